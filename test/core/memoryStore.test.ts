import { assert, describe, it } from "@effect/vitest"
import { MemorySessions } from "../../src/core/memoryStore.js"

const record = (userId: string | undefined, version = 0, expiresAt = 1_000) => ({ userId, version, expiresAt })

describe("memoryStoreCore", () => {
  it("compare-and-set on the version; an expired record is gone on read", () => {
    const sessions = new MemorySessions<ReturnType<typeof record>>()
    assert.isTrue(sessions.set("a", record("u"), undefined, 0))
    assert.isFalse(sessions.set("a", record("u", 1), undefined, 0))
    assert.isTrue(sessions.set("a", record("u", 1), 0, 0))
    assert.strictEqual(sessions.get("a", 999)?.version, 1)
    assert.isUndefined(sessions.get("a", 1_000))
    assert.deepStrictEqual(sessions.listByUser("u", 0), [])
    // Gone, so a create succeeds again.
    assert.isTrue(sessions.set("a", record("u"), undefined, 1_000))
  })

  it("indexes by user, moves expiries, and bounds its size by ending the oldest", () => {
    const sessions = new MemorySessions<ReturnType<typeof record>>(2)
    sessions.set("a", record("u"), undefined, 0)
    sessions.set("b", record("u"), undefined, 0)
    sessions.touch("a", 5_000)
    assert.strictEqual(sessions.get("a", 2_000)?.expiresAt, 5_000)
    sessions.set("c", record("v"), undefined, 0)
    assert.isUndefined(sessions.get("a", 0))
    assert.deepStrictEqual(sessions.listByUser("u", 0).map((entry) => entry.key), ["b"])
    sessions.set("d", record("v"), undefined, 0)
    assert.strictEqual(sessions.deleteByUser("v", ["d"], 0), 1)
    assert.deepStrictEqual(sessions.listByUser("v", 0).map((entry) => entry.key), ["d"])
  })
})
