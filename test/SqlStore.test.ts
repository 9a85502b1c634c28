/**
 * What the SQL store adds to the SessionStore suite (which it passes on
 * PostgreSQL and libSQL, test/SessionStores.test.ts): its migration, the
 * bounded cleanup of expired rows, and an outage of a real PostgreSQL.
 */
import { Migrator, SqlClient } from "@effect/sql"
import { LibsqlClient, LibsqlMigrator } from "@effect/sql-libsql"
import { PgClient } from "@effect/sql-pg"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted, TestClock } from "effect"
import { SessionStore } from "effect-login"
import * as SqlStore from "effect-login/SqlStore"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { captureLogs } from "./utils/logs.js"
import { postgresAvailable, postgresMissing, postgresServer } from "./utils/postgres.js"

/** A new libSQL database in a file of its own. */
const libsql = () =>
  LibsqlClient.layer({ url: `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "effect-login-sql-")), "s.db")}` })

const stored = (now: number, expiresAt: number, userId = "u"): SessionStore.StoredSession => ({
  data: "{}",
  userId,
  version: 0,
  createdAt: now,
  expiresAt
})

describe("SqlStore", () => {
  it.effect("the migration is idempotent, and runs under @effect/sql's Migrator", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const applied = yield* LibsqlMigrator.run({
        loader: Migrator.fromRecord(SqlStore.migrations({ table: "custom" }))
      })
      assert.deepStrictEqual(applied, [[1, "effect_login_sessions"]])
      yield* SqlStore.migrate({ table: "custom" })
      const store = yield* SqlStore.make({ table: "custom" })
      assert.isTrue(yield* store.set("k", stored(0, 1_000), undefined))
      const rows = yield* sql<{ readonly id: string }>`SELECT id FROM custom`
      assert.deepStrictEqual(rows.map((row) => row.id), ["k"])
      assert.throws(() => SqlStore.migration({ table: "sessions; DROP TABLE users" }), /invalid table name/)
    }).pipe(Effect.provide(libsql())))

  it.effect("cleanup deletes expired rows only, at most a batch at a time", () =>
    Effect.gen(function*() {
      yield* SqlStore.migrate()
      const store = yield* SqlStore.make()
      for (let i = 0; i < 5; i++) yield* store.set(`old-${i}`, stored(0, 500), undefined)
      yield* store.set("live", stored(0, 60_000), undefined)
      yield* TestClock.adjust(1_000)
      assert.strictEqual(yield* SqlStore.cleanup({ batch: 3 }), 3)
      assert.strictEqual(yield* SqlStore.cleanup({ batch: 3 }), 2)
      assert.strictEqual(yield* SqlStore.cleanup({ batch: 3 }), 0)
      assert.isTrue(Option.isSome(yield* store.get("live")))
    }).pipe(Effect.provide(libsql())))

  it.scoped("the layer cleans up in the background, every cleanupInterval", () =>
    Effect.gen(function*() {
      yield* SqlStore.migrate()
      const store = yield* Layer.build(SqlStore.layer({ cleanupInterval: "1 minute" })).pipe(
        Effect.map((context) => context.unsafeMap.get(SessionStore.SessionStore.key) as SessionStore.SessionStore)
      )
      yield* store.set("old", stored(0, 500), undefined)
      const sql = yield* SqlClient.SqlClient
      const count = Effect.map(sql<{ readonly n: number }>`SELECT COUNT(*) AS n FROM effect_login_sessions`, (rows) =>
        Number(rows[0]!.n))
      yield* TestClock.adjust("30 seconds")
      assert.strictEqual(yield* count, 1, "not yet")
      yield* TestClock.adjust("31 seconds")
      // The cleanup runs on its own fiber: each count is a query too, and they queue behind its DELETE.
      assert.strictEqual(
        yield* Effect.repeat(count, {
          until: (n) =>
            n === 0,
          times: 100
        }),
        0
      )
    }).pipe(Effect.provide(libsql())))
})

describe("SqlStore on PostgreSQL", () => {
  if (!postgresAvailable) it("needs PostgreSQL", () => assert.fail(postgresMissing))

  it.live("an outage: failures bounded in time, logged once each way, and recovery", () => {
    const logs = captureLogs()
    const lines = logs.lines
    return Effect.gen(function*() {
      const pg = yield* postgresServer
      const client = yield* Layer.build(PgClient.layer({ url: Redacted.make(pg.url) }))
      const store = yield* Effect.provide(
        Effect.zipRight(SqlStore.migrate(), SqlStore.make({ timeout: "1 second" })),
        client
      )
      yield* store.set("k", stored(Date.now(), Date.now() + 60_000), undefined)
      yield* pg.stop
      for (let i = 0; i < 3; i++) {
        const started = Date.now()
        const failed = yield* Effect.either(store.get("k"))
        assert.strictEqual(failed._tag, "Left")
        assert.isBelow(Date.now() - started, 2_500)
      }
      // Up and accepting connections (pg.start waits for it); the pool may still hold a connection that died with
      // the server: a read or two fail before a new one is made.
      yield* pg.start
      const found = yield* Effect.retry(store.get("k"), { times: 3 })
      assert.isTrue(Option.isSome(found), "the row survived, and the pool reconnected")
      const errors = lines.filter((line) => line.level === "ERROR")
      assert.strictEqual(errors.length, 1, JSON.stringify(lines))
      assert.include(errors[0]!.message, "the SQL session store is unreachable")
      assert.strictEqual(lines.filter((line) => line.message.endsWith("store is back")).length, 1)
    }).pipe(
      Effect.provide(logs.layer),
      Effect.scoped
    )
  }, 60_000)
})
