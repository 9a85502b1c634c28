import { assert, describe, it } from "@effect/vitest"
import { BoundedCache, memoize } from "../../src/core/boundedCache.js"

describe("boundedCache", () => {
  it("keeps at most `limit` entries, dropping the oldest", () => {
    const cache = new BoundedCache<number>(2)
    cache.set("a", 1)
    cache.set("b", 2)
    cache.set("c", 3)
    assert.isUndefined(cache.get("a"))
    assert.strictEqual(cache.get("b"), 2)
    assert.strictEqual(cache.get("c"), 3)
  })

  it("memoize computes a key once, but never keeps keys over the length limit", () => {
    const calls: Array<string> = []
    const f = memoize(10, 4, (key) => {
      calls.push(key)
      return key.length
    })
    assert.strictEqual(f("abc"), 3)
    assert.strictEqual(f("abc"), 3)
    assert.strictEqual(f("abcdef"), 6)
    assert.strictEqual(f("abcdef"), 6)
    assert.deepStrictEqual(calls, ["abc", "abcdef", "abcdef"])
  })
})
