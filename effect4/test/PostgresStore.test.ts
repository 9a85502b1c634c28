/**
 * The SQL store on a real PostgreSQL, as an application runs it: its Layer is
 * built once the database answers, a wrong address fails the start-up saying
 * what to check, and the sessions and remember tokens of a user live in the
 * application's database beside its own tables, so that "log out everywhere"
 * ends every other session and remember token. And the same over HTTP:
 * examples/postgres.ts (users and sessions in one database, the stamp in the
 * user table), the twin of the Effect 3 line's test/Postgres.test.ts.
 */
import type * as LoginError from "@effect-login/effect4/LoginError"
import * as SessionStore from "@effect-login/effect4/SessionStore"
import * as SqlStore from "@effect-login/effect4/SqlStore"
import { PgClient } from "@effect/sql-pg"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Context, Effect, Exit, Fiber, Layer, Option, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { app, LoginLive, migrate } from "../examples/postgres.js"
import * as rememberSeries from "../src/internal/rememberSeries.js"
import { testClient } from "./utils/client.js"
import { freePort } from "./utils/freePort.js"
import { postgresAvailable, postgresMissing, postgresServer } from "./utils/postgres.js"

const session = (now: number, userId: string): SessionStore.StoredSession => ({
  data: "{}",
  userId,
  version: 0,
  createdAt: now,
  expiresAt: now + 60_000
})

/** The store a Layer builds, in the test's scope. */
const built = <R>(layer: Layer.Layer<SessionStore.SessionStore, LoginError.SessionStoreError, R>) =>
  Effect.map(Layer.build(layer), (context) => Context.get(context, SessionStore.SessionStore))

describe("SqlStore on PostgreSQL", () => {
  if (!postgresAvailable) it("needs PostgreSQL", () => assert.fail(postgresMissing))

  it.live(
    "the layer is built once PostgreSQL answers: the first operation after it is served",
    () =>
      Effect.gen(function*() {
        const pg = yield* postgresServer
        const database = yield* Layer.build(PgClient.layer({ url: Redacted.make(pg.url) }))
        yield* Effect.provide(SqlStore.migrate(), database)
        yield* pg.stop
        // PostgreSQL comes up while the application starts. A delay, not a wait: the store's first probes are
        // refused meanwhile, and were PostgreSQL up sooner the test would still hold (the Redis twin starts its
        // server on the store's first refusal; the SQL client offers no such hook).
        const starting = yield* Effect.forkChild(Effect.andThen(Effect.sleep("400 millis"), pg.start))
        const store = yield* built(SqlStore.layer().pipe(Layer.provide(Layer.succeedContext(database))))
        yield* Fiber.join(starting)
        const now = Date.now()
        assert.isTrue(yield* store.set("k", session(now, "1"), undefined))
        assert.isTrue(Option.isSome(yield* store.get("k")))
        yield* SessionStore.healthCheck.pipe(Effect.provideService(SessionStore.SessionStore, store))
      }),
    60_000
  )

  it.live("a wrong address fails the start-up within its bound, saying what to check", () =>
    Effect.gen(function*() {
      const port = yield* Effect.promise(freePort)
      const started = Date.now()
      const exit = yield* Effect.exit(Layer.build(
        SqlStore.layer({ startupTimeout: "1 second" }).pipe(
          Layer.provide(PgClient.layer({ url: Redacted.make(`postgres://postgres@127.0.0.1:${port}/postgres`) }))
        )
      ))
      assert.isBelow(Date.now() - started, 4_000)
      assert.isTrue(Exit.isFailure(exit))
      const message = Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""
      assert.include(message, "The SQL session store did not answer within 1s")
      assert.include(message, "Check that the server runs")
    }), 30_000)

  it.live(
    "log in on two devices, log out everywhere on one: the other's session and remember token end",
    () =>
      Effect.gen(function*() {
        const pg = yield* postgresServer
        const database = yield* Layer.build(PgClient.layer({ url: Redacted.make(pg.url) }))
        const sql = yield* Effect.provide(SqlClient.SqlClient, database)
        // The application's own table, in the same database.
        yield* sql`CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL, stamp INTEGER NOT NULL)`
        yield* sql`INSERT INTO users VALUES ('1', 'Ada', 0)`
        yield* Effect.provide(SqlStore.migrate(), database)
        const store = yield* built(SqlStore.layer().pipe(Layer.provide(Layer.succeedContext(database))))
        const now = Date.now()
        const login = { userId: "1", stamp: "0", userAgent: "Phone/1.0" }

        yield* store.set("laptop", session(now, "1"), undefined)
        yield* store.set("phone", session(now, "1"), undefined)
        const phoneRemember = yield* rememberSeries.create(store, login, now, 60_000)
        const presented = rememberSeries.parse(phoneRemember.value)!
        assert.strictEqual((yield* rememberSeries.use(store, presented, now))._tag, "Accepted")
        assert.strictEqual((yield* store.listByUser("1")).length, 3)

        assert.strictEqual(yield* store.deleteByUser("1", ["laptop"]), 2, "the phone's session and remember token")
        assert.isTrue(Option.isNone(yield* store.get("phone")))
        assert.isTrue(Option.isSome(yield* store.get("laptop")))
        const rotated = yield* rememberSeries.owner(store, presented, now)
        assert.isUndefined(rotated, "the remember token ended too")
        const rows = yield* sql<{ readonly id: string }>`SELECT id FROM effect_login_sessions WHERE user_id = '1'`
        assert.deepStrictEqual(rows.map((row) => row.id), ["laptop"])
        const [ada] = yield* sql<{ readonly name: string }>`SELECT name FROM users WHERE id = '1'`
        assert.strictEqual(ada!.name, "Ada", "the application's table is untouched")

        // The phone logs in again.
        assert.isTrue(yield* store.set("phone-again", session(now, "1"), undefined))
        const again = yield* rememberSeries.create(store, login, now, 60_000)
        assert.strictEqual((yield* rememberSeries.use(store, rememberSeries.parse(again.value)!, now))._tag, "Accepted")
      }),
    60_000
  )
})

const sameOrigin = { "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded" }

describe("examples/postgres.ts", () => {
  if (!postgresAvailable) it("needs PostgreSQL", () => assert.fail(postgresMissing))

  it.live(
    "log in on two devices, log out everywhere on one: the other's session and remember token end",
    () =>
      Effect.gen(function*() {
        const pg = yield* postgresServer
        const database = yield* Layer.build(PgClient.layer({ url: Redacted.make(pg.url) }))
        yield* Effect.provide(migrate, database)
        const context = yield* Layer.build(LoginLive.pipe(Layer.provideMerge(Layer.succeedContext(database))))
        const [laptop, phone] = yield* Effect.all([testClient(yield* app), testClient(yield* app)]).pipe(
          Effect.provide(context)
        )
        const logIn = { method: "POST", headers: sameOrigin, body: "id=1" }

        assert.strictEqual((yield* laptop.request("/login", logIn)).body, "logged in")
        assert.strictEqual((yield* phone.request("/login", logIn)).body, "logged in")
        const phoneRemember = phone.cookies.get("remember_token")!
        assert.strictEqual((yield* phone.get("/me")).body, "Ada")

        const everywhere = yield* laptop.request("/logout-everywhere", { method: "POST", headers: sameOrigin })
        assert.strictEqual(everywhere.body, "ended 2 other sessions and remember tokens")
        assert.strictEqual((yield* phone.get("/me")).status, 401)
        phone.cookies.clear()
        phone.cookies.set("remember_token", phoneRemember)
        assert.strictEqual((yield* phone.get("/me")).status, 401, "the remember token ended too")

        const sql = yield* Effect.provide(SqlClient.SqlClient, database)
        const [ada] = yield* sql<{ readonly stamp: number }>`SELECT stamp FROM users WHERE id = '1'`
        assert.strictEqual(ada!.stamp, 1)
        assert.strictEqual((yield* phone.request("/login", logIn)).body, "logged in")
        assert.strictEqual((yield* phone.get("/me")).body, "Ada")
      }),
    60_000
  )
})
