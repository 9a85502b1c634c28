import { assert, describe, it } from "@effect/vitest"
import * as sessionData from "../../src/core/sessionData.js"

const now = 1_000
const alice = {
  id: "s1",
  userId: "alice",
  fresh: true,
  freshAt: 10,
  client: "c",
  stamp: "st",
  next: "/x",
  issuedAt: 10
}

describe("sessionData", () => {
  it("a login is a new identity; another user's data does not carry over, the same user's does", () => {
    const withData = { ...alice, data: { cart: 3 }, flashes: [["message", "hi"] as const] }
    const bob = sessionData.loggedIn("bob", true, { client: "c2" })(withData, now)!
    assert.notStrictEqual(bob.id, alice.id)
    assert.strictEqual(bob.userId, "bob")
    assert.isUndefined(bob.data)
    assert.isUndefined(bob.flashes)
    assert.strictEqual(bob.client, "c2")
    assert.isUndefined(bob.stamp)
    assert.isUndefined(bob.next)
    const again = sessionData.loggedIn("alice", true, {})(withData, now)!
    assert.deepStrictEqual(again.data, { cart: 3 })
    assert.strictEqual(again.flashes?.length, 1)
    const anonymous = sessionData.loggedIn("bob", true, {})({ id: "a", data: { theme: "dark" }, issuedAt: 1 }, now)!
    assert.deepStrictEqual(anonymous.data, { theme: "dark" })
  })

  it("a fresh login records when; a login that is not fresh does not", () => {
    const fresh = sessionData.loggedIn("bob", true, {})(undefined, now)!
    assert.strictEqual(fresh.fresh, true)
    assert.strictEqual(fresh.freshAt, now)
    assert.strictEqual(fresh.issuedAt, now)
    const stale = sessionData.loggedIn("bob", false, {})(undefined, now)!
    assert.strictEqual(stale.fresh, false)
    assert.isFalse("freshAt" in stale)
  })

  it("a login restored by the remember cookie is not fresh and keeps the application's data", () => {
    const restored = sessionData.restored("alice", { client: "c", stamp: "s" })({
      id: "a",
      data: { k: 1 },
      issuedAt: 1
    }, now)!
    assert.strictEqual(restored.fresh, false)
    assert.isFalse("freshAt" in restored)
    assert.deepStrictEqual(restored.data, { k: 1 })
    assert.strictEqual(restored.stamp, "s")
    const alone = sessionData.restoredAlone("alice", {})({ id: "a", data: { k: 1 }, issuedAt: 1 }, now)!
    assert.isUndefined(alone.data)
    assert.strictEqual(alone.userId, "alice")
  })

  it("a logout keeps the application's data under a new identity, and drops every login key", () => {
    const out = sessionData.loggedOut({ ...alice, data: { k: 1 } }, now)!
    assert.notStrictEqual(out.id, alice.id)
    assert.deepStrictEqual(out.data, { k: 1 })
    for (const key of ["userId", "fresh", "freshAt", "client", "stamp", "next"]) assert.isFalse(key in out, key)
    assert.isUndefined(sessionData.loggedOut(undefined, now))
  })

  it("ends only the login it names (a concurrent login of someone else survives a replay)", () => {
    assert.isUndefined(sessionData.loginEnded("alice")(alice, now)!.userId)
    assert.strictEqual(sessionData.loginEnded("alice")({ ...alice, userId: "bob" }, now)!.userId, "bob")
  })

  it("protection: binds, marks stale, confirms", () => {
    assert.strictEqual(
      sessionData.bound({ client: "new" })({ ...alice, client: undefined } as never, now)!.client,
      "new"
    )
    assert.strictEqual(sessionData.stale(alice, now)!.fresh, false)
    const confirmed = sessionData.confirmed(500, { client: "c3", stamp: "s3" })({ ...alice, fresh: false }, now)!
    assert.deepStrictEqual([confirmed.fresh, confirmed.freshAt, confirmed.client, confirmed.stamp], [
      true,
      500,
      "c3",
      "s3"
    ])
  })

  it("values, flashes and next", () => {
    const set = sessionData.withValue("theme", "dark")(undefined, now)!
    assert.deepStrictEqual(set.data, { theme: "dark" })
    assert.deepStrictEqual(sessionData.withoutValue("theme")(set, now)!.data, {})
    const flashed = sessionData.withFlash(["error", "b"])(sessionData.withFlash(["message", "a"])(undefined, now), now)!
    assert.deepStrictEqual(flashed.flashes, [["message", "a"], ["error", "b"]])
    assert.isFalse("flashes" in sessionData.withoutFlashes(flashed, now)!)
    const withNext = sessionData.withFlash(undefined, "/back")(undefined, now)!
    assert.strictEqual(withNext.next, "/back")
    assert.isFalse("flashes" in withNext)
    assert.isFalse("next" in sessionData.withoutNext(withNext, now)!)
  })

  it("flashes: the same message once, and at most maxFlashes, the oldest giving way", () => {
    let data = sessionData.withFlash(["message", "Please log in."])(undefined, now)
    for (let i = 0; i < 1_000; i++) data = sessionData.withFlash(["message", "Please log in."])(data, now)
    assert.deepStrictEqual(data!.flashes, [["message", "Please log in."]])
    data = sessionData.withFlash(["error", "Please log in."])(data, now)
    assert.strictEqual(data!.flashes!.length, 2, "another category is another message")
    for (let i = 0; i < 100; i++) data = sessionData.withFlash(["info", `n${i}`])(data, now)
    assert.strictEqual(data!.flashes!.length, sessionData.maxFlashes)
    assert.deepStrictEqual(data!.flashes!.at(-1), ["info", "n99"])
    assert.deepStrictEqual(data!.flashes![0], ["info", `n${100 - sessionData.maxFlashes}`])
  })

  it("isEmpty: nothing worth a cookie", () => {
    assert.isTrue(sessionData.isEmpty({ id: "a", issuedAt: 1 }))
    assert.isTrue(sessionData.isEmpty({ id: "a", data: {}, flashes: [], issuedAt: 1 }))
    assert.isFalse(sessionData.isEmpty({ id: "a", userId: "u", issuedAt: 1 }))
    assert.isFalse(sessionData.isEmpty({ id: "a", next: "/", issuedAt: 1 }))
    assert.isFalse(sessionData.isEmpty({ id: "a", data: { k: 0 }, issuedAt: 1 }))
  })

  it("issued: a login made without a request, its stamp kept, no client yet", () => {
    const issued = sessionData.issued("alice", false, "st", now)
    assert.deepStrictEqual([issued.userId, issued.fresh, issued.stamp, issued.client], [
      "alice",
      false,
      "st",
      undefined
    ])
    assert.match(issued.id, /^[\w-]{22}$/)
  })

  it("a binding, a next or a stamp that is not there is no key at all (nothing to encode)", () => {
    const login = sessionData.loggedIn("bob", false, {})(undefined, now)!
    for (const key of ["client", "stamp", "freshAt"]) assert.isFalse(key in login, key)
    const flashed = sessionData.withFlash(["message", "hi"])(undefined, now)!
    assert.isFalse("next" in flashed)
    const issued = sessionData.issued("alice", true, undefined, now)
    assert.isFalse("stamp" in issued)
    assert.strictEqual(issued.freshAt, now)
  })

  it("a value or a flash on no session starts one, with a new id", () => {
    for (
      const data of [sessionData.withValue("k", 1)(undefined, now), sessionData.withFlash(["m", "x"])(undefined, now)]
    ) {
      assert.match(data!.id, /^[\w-]{22}$/)
      assert.strictEqual(data!.issuedAt, now)
    }
  })

  it("removing what is not there changes nothing: the same session, or none", () => {
    const plain = { id: "a", issuedAt: 1 }
    const withData = { id: "a", data: { a: 1 }, issuedAt: 1 }
    assert.strictEqual(sessionData.withoutValue("k")(plain, now), plain)
    assert.strictEqual(sessionData.withoutValue("k")(withData, now), withData)
    for (
      const mutation of [
        sessionData.withoutValue("k"),
        sessionData.withoutFlashes,
        sessionData.withoutNext,
        sessionData.loginEnded("alice")
      ]
    ) {
      assert.isUndefined(mutation(undefined, now))
    }
  })

  it("isEmpty: a pending flash is worth a cookie", () => {
    assert.isFalse(sessionData.isEmpty({ id: "a", flashes: [["message", "hi"]], issuedAt: 1 }))
  })
})
