/**
 * Every store of this project passes the SessionStore suite: memory, the
 * KeyValueStore over memory and over the file system, a real Redis, and the
 * SQL store on a real PostgreSQL and on libSQL (SQLite, embedded).
 */
import { KeyValueStore } from "@effect/platform"
import { NodeKeyValueStore } from "@effect/platform-node"
import type { SqlClient } from "@effect/sql"
import { LibsqlClient } from "@effect/sql-libsql"
import { PgClient } from "@effect/sql-pg"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Exit, Layer, Redacted, Scope, TestClock } from "effect"
import { RedisStore, SessionStore } from "effect-login"
import * as SqlStore from "effect-login/SqlStore"
import type { Redis } from "ioredis"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll } from "vitest"
import { postgresAvailable, postgresMissing, postgresServer } from "./utils/postgres.js"
import { ageKeys, redisAvailable, redisMissing, redisServer } from "./utils/redis.js"
import { suite } from "./utils/SessionStoreSuite.js"

const advance = (millis: number) => TestClock.adjust(millis)

suite("memory", SessionStore.layerMemory(), { advance })
suite("KeyValueStore (memory)", SessionStore.layerKeyValueStore.pipe(Layer.provide(KeyValueStore.layerMemory)), {
  advance
})
suite(
  "KeyValueStore (file system)",
  SessionStore.layerKeyValueStore.pipe(
    Layer.provide(NodeKeyValueStore.layerFileSystem(fs.mkdtempSync(path.join(os.tmpdir(), "effect-login-kv-"))))
  ),
  { advance }
)

if (!redisAvailable) {
  describe("SessionStore suite: Redis", () => {
    it("needs redis-server", () => assert.fail(redisMissing))
  })
} else {
  // A server per test (the suite builds its Layer anew for each). Time moves on the TestClock for the store
  // and in Redis by ageing its keys, so that no case waits for a TTL.
  class RedisClient extends Context.Tag("test/RedisClient")<RedisClient, Redis>() {}
  const RedisLive = Layer.unwrapScoped(
    Effect.gen(function*() {
      const server = yield* redisServer
      const client = yield* server.client()
      return Layer.merge(RedisStore.layer(client), Layer.succeed(RedisClient, client))
    })
  )
  suite("Redis", Layer.fresh(RedisLive), {
    advance: (millis) =>
      Effect.zipRight(advance(millis), Effect.flatMap(RedisClient, (client) => ageKeys(client, millis)))
  })
}

// The SQL store: its expiry follows the application's Clock, so TestClock drives it on a real database too.
const sqlStore = <E>(client: Layer.Layer<SqlClient.SqlClient, E>, migrate = true) =>
  Layer.unwrapEffect(Effect.as(migrate ? SqlStore.migrate() : Effect.void, SqlStore.layer())).pipe(
    Layer.provide(client),
    Layer.orDie
  )

suite(
  "SQL (libSQL)",
  sqlStore(
    LibsqlClient.layer({
      url: `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "effect-login-sql-")), "s.db")}`
    })
  ),
  { advance }
)

if (!postgresAvailable) {
  describe("SessionStore suite: SQL (PostgreSQL)", () => {
    it("needs PostgreSQL", () => assert.fail(postgresMissing))
  })
} else {
  // One server for the file (a cluster takes a second to start); each test connects anew.
  const scope = Effect.runSync(Scope.make())
  let url = ""
  const client = Layer.suspend(() => PgClient.layer({ url: Redacted.make(url) }))
  beforeAll(async () => {
    url = (await Effect.runPromise(Scope.extend(postgresServer, scope))).url
    // Once: PostgreSQL's CREATE … IF NOT EXISTS is not safe against itself running concurrently.
    await Effect.runPromise(Effect.provide(SqlStore.migrate(), client))
  }, 60_000)
  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))
  suite("SQL (PostgreSQL)", sqlStore(client, false), { advance })
}
