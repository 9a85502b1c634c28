/**
 * Every store of this project passes the SessionStore suite: memory, the
 * KeyValueStore over memory and over the file system, and a real Redis.
 */
import { KeyValueStore } from "@effect/platform"
import { NodeKeyValueStore } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, TestClock } from "effect"
import { RedisStore, SessionStore } from "effect-login"
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
    Layer.provide(NodeKeyValueStore.layerFileSystem(fs.mkdtempSync(path.join(os.tmpdir(), "effect-login-kv-"))))
  ),
  { advance }
)

if (!redisAvailable) {
  describe("SessionStore suite: Redis", () => {
    it("needs redis-server", () => assert.fail(redisMissing))
  })
} else {
  // One server for the file; its TTLs run on the real clock.
  const RedisLive = Layer.unwrapScoped(
    Effect.gen(function*() {
      const server = yield* redisServer
      return RedisStore.layer(yield* server.client())
    })
  )
  suite("Redis", Layer.fresh(RedisLive), { advance: (millis) => Effect.sleep(millis), live: true })
}
