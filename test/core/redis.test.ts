import { assert, describe, it } from "@effect/vitest"
import * as redis from "../../src/core/redis.js"

describe("redisCore", () => {
  it("lays out keys under the prefix and names the server", () => {
    assert.deepStrictEqual(redis.keysOf(undefined), { sessions: "effect-login:s:", users: "effect-login:u:" })
    assert.deepStrictEqual(redis.keysOf("app:"), { sessions: "app:s:", users: "app:u:" })
    assert.strictEqual(redis.nameOf({}), "Redis")
    assert.strictEqual(redis.nameOf({ options: { host: "db" } }), "Redis at db:6379")
  })

  it("builds the scripts' arguments: a TTL of at least 1 ms, \"\" for none", () => {
    assert.deepStrictEqual(redis.setArgs("k", "{}", { expiresAt: 100 }, undefined, "u:", 100), [
      "",
      "{}",
      1,
      "k",
      "",
      "u:"
    ])
    assert.deepStrictEqual(redis.setArgs("k", "{}", { userId: "a", expiresAt: 900 }, 3, "u:", 100), [
      "3",
      "{}",
      800,
      "k",
      "a",
      "u:"
    ])
    assert.deepStrictEqual(redis.deleteByUserArgs("s:", "0", ["keep"]), ["s:", "0", 500, "keep"])
  })

  it("reads the scripts' replies, expiries from the TTL", () => {
    assert.deepStrictEqual(redis.getReply(["v", 50], 1_000), { value: "v", expiresAt: 1_050 })
    assert.isUndefined(redis.getReply(null, 1_000))
    assert.deepStrictEqual(redis.listReply(["a", "va", 10, "b", "vb", 20, "c"], 0), [
      { key: "a", value: "va", expiresAt: 10 },
      { key: "b", value: "vb", expiresAt: 20 }
    ])
    assert.deepStrictEqual(redis.deleteByUserReply(["17", 5]), { next: "17", count: 5 })
    assert.deepStrictEqual(redis.deleteByUserReply(["0", 2]), { next: undefined, count: 2 })
    assert.deepStrictEqual(redis.deleteByUserReply(null), { next: undefined, count: 0 })
  })
})
