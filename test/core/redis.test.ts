import { assert, describe, it } from "@effect/vitest"
import * as redis from "../../src/core/redis.js"

describe("redisCore", () => {
  it("lays out keys under the prefix and names the server", () => {
    assert.deepStrictEqual(redis.keysOf(undefined), { sessions: "effect-login:s:", users: "effect-login:u:" })
    assert.deepStrictEqual(redis.keysOf("app:"), { sessions: "app:s:", users: "app:u:" })
    assert.strictEqual(redis.nameOf({}), "Redis")
    assert.strictEqual(redis.nameOf({ options: { host: "db" } }), "Redis at db:6379")
    assert.strictEqual(redis.nameOf({ options: { host: "db", port: 7000 } }), "Redis at db:7000")
    assert.strictEqual(redis.nameOf({ options: { port: 7000 } }), "Redis")
    assert.strictEqual(redis.nameOf({ options: { host: "db" }, isCluster: true }), "Redis Cluster")
  })

  it("lists a tagged key under the user's tag, so that on Redis Cluster the index shares its slot", () => {
    // SHA-1 of "ada" starts e4ea; "{e4ea}" is the Redis hash tag of both keys.
    assert.strictEqual(redis.indexOf("u:", "hash{e4ea}", "ada"), "u:{e4ea}ada")
    assert.strictEqual(redis.indexOf("u:", "remember.hash{e4ea}", "ada"), "u:{e4ea}ada")
    // An untagged key (0.1) stays in the untagged index; a brace elsewhere is no tag.
    assert.strictEqual(redis.indexOf("u:", "hash", "ada"), "u:ada")
    assert.strictEqual(redis.indexOf("u:", "hash{e4ea}x", "ada"), "u:ada")
    assert.strictEqual(redis.indexOf("u:", "hash{E4EA}", "ada"), "u:ada")
    // A user id with braces cannot move the index out of the user's slot: the first braces are the tag.
    assert.strictEqual(redis.indexOf("u:", "hash{5d65}", "{x}"), "u:{5d65}{x}")
    assert.deepStrictEqual(redis.indexesOf("u:", "ada"), ["u:{e4ea}ada", "u:ada"])
    assert.deepStrictEqual(redis.setKeys({ sessions: "s:", users: "u:" }, "hash{e4ea}", "ada"), [
      "s:hash{e4ea}",
      "u:{e4ea}ada"
    ])
    assert.deepStrictEqual(redis.setKeys({ sessions: "s:", users: "u:" }, "hash", undefined), ["s:hash"])
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
