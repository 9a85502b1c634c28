/**
 * Every store of this project passes the SessionStore suite: memory, the
 * KeyValueStore over memory and over the file system, a real Redis, and the
 * SQL store on a real PostgreSQL.
 */
import * as RedisStore from "@effect-login/effect4/RedisStore"
import * as SessionStore from "@effect-login/effect4/SessionStore"
import { NodeFileSystem, NodePath } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { KeyValueStore } from "effect/persistence"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { redisAvailable, redisMissing, redisServer } from "./utils/redis.js"
import { suite } from "./utils/SessionStoreSuite.js"

const advance = (millis: number) => TestClock.adjust(millis)

suite("memory", SessionStore.layerMemory(), { advance })
suite("KeyValueStore (memory)", SessionStore.layerKeyValueStore.pipe(Layer.provide(KeyValueStore.layerMemory)), {
  advance
})
suite(
  "KeyValueStore (file system)",
  SessionStore.layerKeyValueStore.pipe(
    Layer.provide(KeyValueStore.layerFileSystem(fs.mkdtempSync(path.join(os.tmpdir(), "effect-login-kv-")))),
    Layer.provide(Layer.merge(NodeFileSystem.layer, NodePath.layer)),
    Layer.orDie
  ),
  { advance }
)

if (!redisAvailable) {
  describe("SessionStore suite: Redis", () => {
    it("needs redis-server", () => assert.fail(redisMissing))
  })
} else {
  // A server per test (the suite builds its Layer anew for each); its TTLs run on the real clock.
  const RedisLive = Layer.unwrap(
    Effect.gen(function*() {
      const server = yield* redisServer
      return RedisStore.layer(yield* server.client())
    })
  )
  suite("Redis", Layer.fresh(RedisLive), { advance: (millis) => Effect.sleep(millis), live: true })
}
