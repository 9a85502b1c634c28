/**
 * examples/postgres.ts on a real PostgreSQL: users and sessions in one
 * database, and "log out everywhere" ending every other session and
 * remember token, with the stamp in the user table.
 */
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { app, LoginLive, migrate } from "../examples/postgres.js"
import { testClient } from "./utils/client.js"
import { postgresAvailable, postgresMissing, postgresServer } from "./utils/postgres.js"

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
        const [laptop, phone] = yield* Effect.all([testClient(app), testClient(app)]).pipe(Effect.provide(context))
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
      }).pipe(Effect.scoped),
    30_000
  )
})
