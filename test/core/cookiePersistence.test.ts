import { assert, describe, it } from "@effect/vitest"
import * as core from "../../src/core/cookiePersistence.js"
import type { Change } from "../../src/core/sessionJournal.js"

const session = { id: "s", userId: "u", issuedAt: 1_000 }
const change = (dirty: boolean, data: Change["data"]): Change => ({ dirty, data, rotate: false, replay: (d) => d })

describe("cookiePersistenceCore", () => {
  it("verifies a cookie once, and refuses a cached one once too old", () => {
    let calls = 0
    const decode = core.cachedDecode(5_000, (raw) => (calls++, raw === "good" ? { session, stale: false } : undefined))
    assert.deepStrictEqual(decode("good", 1_000), { session, stale: false })
    assert.deepStrictEqual(decode("good", 2_000), { session, stale: false })
    assert.strictEqual(calls, 1)
    assert.isUndefined(decode("good", 6_000))
    assert.isUndefined(decode("bad", 1_000))
    assert.isUndefined(decode("bad", 1_000))
    assert.strictEqual(calls, 3)
  })

  it("loads what the cookie holds: nothing, a duplicate, a session, or a rejected value", () => {
    const decode = (raw: string) => raw === "good" ? { session, stale: true } : undefined
    assert.deepStrictEqual(core.load(undefined, "session", decode, 0), {
      data: undefined,
      raw: undefined,
      presented: false,
      rejected: false,
      stale: false
    })
    assert.isTrue(core.load("session=good; session=good", "session", decode, 0).rejected)
    assert.deepStrictEqual(core.load("session=good", "session", decode, 0), {
      data: session,
      raw: "good",
      presented: true,
      rejected: false,
      stale: true
    })
    assert.isTrue(core.load("session=bad", "session", decode, 0).rejected)
  })

  it("writes a changed session, clears an emptied one, leaves an unchanged one", () => {
    assert.strictEqual(core.toWrite(change(true, session)), session)
    assert.strictEqual(core.toWrite(change(true, { id: "s", issuedAt: 0 })), "Clear")
    assert.strictEqual(core.toWrite(change(true, undefined)), "Clear")
    assert.isUndefined(core.toWrite(change(false, session)))
    assert.deepStrictEqual(core.sessionsOf(session).map((info) => [info.kind, info.current, info.createdAt]), [[
      "session",
      true,
      1_000
    ]])
  })
})
