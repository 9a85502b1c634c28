import { assert, describe, it } from "@effect/vitest"
import * as crypto from "node:crypto"
import type { Change } from "../../src/core/sessionJournal.js"
import * as core from "../../src/core/storePersistence.js"

const policy: core.Policy = { idle: 1_000, absolute: 5_000, touch: 100 }
const login = { id: "s", userId: "alice", issuedAt: 0 }
const change = (overrides: Partial<Change>): Change => ({
  dirty: true,
  data: login,
  rotate: false,
  replay: (data) => data,
  ...overrides
})

describe("storePersistenceCore", () => {
  it("tells an id from a signed cookie; the store key is the id's hash", () => {
    const { id, key } = core.newId(undefined)
    assert.strictEqual(core.keyOf(id), key)
    assert.strictEqual(key, crypto.createHash("sha256").update(id).digest("base64url"))
    assert.deepStrictEqual(core.presented(`session=${id}`, "session"), { _tag: "Id", raw: id, key })
    assert.deepStrictEqual(core.presented("session=abc.def", "session"), { _tag: "Signed", raw: "abc.def" })
    const none = core.presented(undefined, "session")
    assert.isTrue(none._tag === "Settled" && !none.loaded.presented && !none.loaded.rejected)
    const twice = core.presented(`session=${id}; session=${id}`, "session")
    assert.isTrue(twice._tag === "Settled" && twice.loaded.presented && twice.loaded.rejected)
    assert.strictEqual(core.idOf(`a=1; session=${id}`, "session"), id)
    assert.strictEqual(core.idOf(undefined, "session"), "")
  })

  it("a session with a login: its id ends with the user's tag, its store key with the tag in braces", () => {
    const { id, key } = core.newId("alice")
    assert.match(id, /^[A-Za-z0-9_-]{43}522b$/)
    assert.strictEqual(key, `${crypto.createHash("sha256").update(id).digest("base64url")}{522b}`)
    assert.deepStrictEqual(core.presented(`session=${id}`, "session"), { _tag: "Id", raw: id, key })
    // A tag is 4 lowercase hex digits; anything else is not an id.
    for (const raw of [`${"a".repeat(43)}522B`, `${"a".repeat(43)}522`, `${"a".repeat(43)}522bb`]) {
      assert.strictEqual(core.presented(`session=${raw}`, "session")._tag, "Signed", raw)
    }
  })

  it("takes a signed cookie's session only without a login", () => {
    const anonymous = { id: "s", issuedAt: 0, next: "/x" }
    assert.deepStrictEqual(
      core.fromSigned("raw", { session: anonymous, stale: true }),
      core.accepted(anonymous, "raw", true)
    )
    assert.deepStrictEqual(core.fromSigned("raw", { session: login, stale: false }), core.rejected("raw"))
    assert.deepStrictEqual(core.fromSigned("raw", undefined), core.rejected("raw"))
  })

  it("expires idle, never past the absolute lifetime; touches only by the touch interval or more", () => {
    assert.strictEqual(core.expiresAt(policy, 0, 0), 1_000)
    assert.strictEqual(core.expiresAt(policy, 0, 4_500), 5_000)
    assert.strictEqual(core.touchTo(policy, { createdAt: 0, expiresAt: 1_000 }, 99), undefined)
    assert.strictEqual(core.touchTo(policy, { createdAt: 0, expiresAt: 1_000 }, 100), 1_100)
    assert.strictEqual(core.touchTo(policy, { createdAt: 0, expiresAt: 5_000 }, 4_900), undefined)
  })

  it("caps a user's sessions by ending the oldest, never the current one", () => {
    const entry = (key: string, createdAt: number) => ({ key, session: { createdAt, expiresAt: 9_000 } })
    const mine = [entry("c", 3), entry("a", 1), entry("b", 2), entry("d", 4)]
    assert.deepStrictEqual(core.excess(mine, 4, "d"), [])
    assert.deepStrictEqual(core.excess(mine, 2, "a"), ["b", "c"])
  })

  it("plans the commit of a change", () => {
    assert.strictEqual(core.plan(change({ dirty: false }), "k", undefined)._tag, "Nothing")
    assert.strictEqual(
      core.plan(change({ dirty: false }), undefined, 7),
      core.plan(change({ dirty: false }), "k", undefined)
    )
    assert.deepStrictEqual(core.plan(change({ dirty: false }), "k", 7), { _tag: "Touch", key: "k", to: 7 })
    assert.deepStrictEqual(core.plan(change({ data: undefined }), "k", undefined), { _tag: "End", ended: "k" })
    assert.deepStrictEqual(core.plan(change({ data: { id: "s", issuedAt: 0 }, rotate: true }), undefined, undefined), {
      _tag: "End",
      ended: undefined
    })
    const anonymous = { id: "s", issuedAt: 0, next: "/x" }
    assert.deepStrictEqual(core.plan(change({ data: anonymous }), "k", undefined), {
      _tag: "Anonymous",
      data: anonymous,
      ended: "k"
    })
    assert.deepStrictEqual(core.plan(change({ rotate: true }), "k", undefined), {
      _tag: "Create",
      data: login,
      ended: "k"
    })
    assert.deepStrictEqual(core.plan(change({}), undefined, undefined), {
      _tag: "Create",
      data: login,
      ended: undefined
    })
    assert.deepStrictEqual(core.plan(change({}), "k", 7), { _tag: "Update", key: "k", data: login })
  })

  it("lists a session or a series for the user's devices", () => {
    const entry = { key: "k", session: { createdAt: 1, expiresAt: 2 } }
    assert.deepStrictEqual(core.infoOf(entry, undefined, true), {
      kind: "session",
      current: true,
      createdAt: 1,
      expiresAt: 2,
      lastUsedAt: undefined,
      userAgent: undefined
    })
    assert.strictEqual(core.infoOf(entry, { usedAt: 3, userAgent: "ua" }, false).kind, "remember")
  })

  it("a presented session is rejected (to clear) or accepted (stale: to write again), never both", () => {
    assert.deepStrictEqual(core.rejected("raw"), {
      data: undefined,
      raw: "raw",
      presented: true,
      rejected: true,
      stale: false
    })
    const data = { id: "s", issuedAt: 0 }
    assert.deepStrictEqual(core.accepted(data, "raw", false), {
      data,
      raw: "raw",
      presented: true,
      rejected: false,
      stale: false
    })
    assert.isTrue(core.accepted(data, "raw", true).stale)
  })

  it("a record carries its user for the user's index, only with a login", () => {
    assert.deepStrictEqual(core.recordOf(login, "encoded", 3, 1, 2), {
      data: "encoded",
      userId: "alice",
      version: 3,
      createdAt: 1,
      expiresAt: 2
    })
    const anonymous = core.recordOf({ id: "s", issuedAt: 0 }, "encoded", 1, 1, 2)
    assert.deepStrictEqual(anonymous, { data: "encoded", version: 1, createdAt: 1, expiresAt: 2 })
    assert.isFalse("userId" in anonymous)
  })

  it("under the cap, no session ends, however many fewer there are", () => {
    const entry = (key: string, createdAt: number) => ({ key, session: { createdAt, expiresAt: 9_000 } })
    const mine = [entry("c", 3), entry("a", 1), entry("b", 2), entry("d", 4)]
    for (const cap of [5, 6, 10]) assert.deepStrictEqual(core.excess(mine, cap, "d"), [], `cap ${cap}`)
    assert.deepStrictEqual(core.excess(mine, 3, "d"), ["a"])
  })
})
