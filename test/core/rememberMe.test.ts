import { assert, describe, it } from "@effect/vitest"
import * as core from "../../src/core/rememberMe.js"
import * as rememberSeries from "../../src/core/rememberSeries.js"

const token = { userId: "alice", expiresAt: 10_000, duration: 5_000 }
const reader: core.Reader = {
  decodeToken: (raw, now) => raw === "good" && now < token.expiresAt ? { token, stale: raw !== "good" } : undefined,
  legacyUserId: (raw) => raw.startsWith("flask:") ? raw.slice(6) : undefined
}
const settings = (store: unknown = undefined): core.Settings => ({
  name: "remember_token",
  refreshEachRequest: false,
  absoluteMillis: 20_000,
  store
})
const series = rememberSeries.start({ stamp: undefined, userAgent: undefined }, 0).value

class State extends core.RememberState<core.Settings> {
  decodeToken = reader.decodeToken
  legacyUserId = reader.legacyUserId
}

describe("rememberMeCore", () => {
  it("reads the cookie through the line's reader; with a store, only a series or a legacy cookie", () => {
    assert.strictEqual(core.read(undefined, settings(), reader, 0)._tag, "Absent")
    assert.strictEqual(core.read("remember_token=good; remember_token=good", settings(), reader, 0)._tag, "Invalid")
    assert.deepStrictEqual(core.read("remember_token=good", settings(), reader, 0), {
      _tag: "Valid",
      token,
      stale: false
    })
    assert.strictEqual(core.read("remember_token=good", settings(), reader, 10_000)._tag, "Invalid")
    assert.deepStrictEqual(core.read("remember_token=flask:42", settings(), reader, 0), {
      _tag: "Legacy",
      userId: "42"
    })
    const store = settings({})
    assert.strictEqual(core.read("remember_token=good", store, reader, 0)._tag, "Invalid")
    assert.strictEqual(core.read(`remember_token=${series}`, store, reader, 0)._tag, "Series")
    assert.strictEqual(core.read("remember_token=flask:42", store, reader, 0)._tag, "Legacy")
  })

  it("issues a stateless token without a store, a series to start with one", () => {
    assert.deepStrictEqual(core.issue(settings(), "bob", "h", 1_000, 5_000), {
      _tag: "Set",
      token: { userId: "bob", expiresAt: 6_000, duration: 5_000, issuedAt: 1_000, stamp: "h" },
      maxAgeMillis: 5_000
    })
    assert.deepStrictEqual(core.issue(settings({}), "bob", undefined, 1_000, 5_000), {
      _tag: "Start",
      userId: "bob",
      stamp: undefined,
      durationMillis: 5_000
    })
  })

  it("re-signs a token with its expiry unchanged, its stamp replaced or dropped", () => {
    assert.deepStrictEqual(core.resign({ ...token, stamp: "old" }, undefined, 4_000), {
      _tag: "Set",
      token,
      maxAgeMillis: 6_000
    })
    assert.deepStrictEqual(core.resign(token, "new", 12_000), {
      _tag: "Set",
      token: { ...token, stamp: "new" },
      maxAgeMillis: 0
    })
  })

  it("RememberState: a new login or a clear ends the series that came; a logout clears the cookie", () => {
    const state = new State(`remember_token=${series}`, settings({}))
    assert.isTrue(state.came)
    assert.isTrue(state.idle)
    const key = state.seriesKey(0)
    assert.strictEqual(key, rememberSeries.keyOf(rememberSeries.parse(series)!.selector))
    state.issue("bob", undefined, 0, 1_000)
    assert.isUndefined(state.seriesKey(0))
    assert.strictEqual(state.outgoing?._tag, "Start")
    assert.isFalse(state.idle)
    state.logout(0)
    assert.isTrue(state.cleared)

    const none = new State(undefined, settings())
    assert.isFalse(none.came)
    none.issue("bob", undefined, 0, 1_000)
    none.logout(0)
    assert.isUndefined(none.outgoing)
    assert.isTrue(none.idle)
  })

  it("RememberState: a used series' next cookie, for as long as the series lasts", () => {
    const state = new State(`remember_token=${series}`, settings({}))
    state.used("alice", { value: "v", expiresAt: 9_000 }, 4_000)
    assert.deepStrictEqual(state.outgoing, { _tag: "Rotate", value: "v", maxAgeMillis: 5_000 })
  })
})
