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
const series = rememberSeries.start({ userId: "1", stamp: undefined, userAgent: undefined }, 0).value

class State extends core.RememberState<core.Settings> {
  decodeToken = reader.decodeToken
  legacyUserId = reader.legacyUserId
  /** The series the line ends in its store before the response. */
  get revokedSelector() {
    return this.revoked
  }
}
const refreshing = (store: unknown = undefined): core.Settings => ({ ...settings(store), refreshEachRequest: true })

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

  it("userIdOf: the user of a stateless token or a Flask cookie; none for any other cookie", () => {
    assert.strictEqual(core.userIdOf({ _tag: "Valid", token, stale: false }), "alice")
    assert.strictEqual(core.userIdOf({ _tag: "Legacy", userId: "42" }), "42")
    assert.isUndefined(core.userIdOf({ _tag: "Absent" }))
    assert.isUndefined(core.userIdOf({ _tag: "Invalid" }))
    assert.isUndefined(core.userIdOf({ _tag: "Series", presented: rememberSeries.parse(series)! }))
  })

  it("a token issued without a stamp carries no stamp at all", () => {
    const issued = core.issue(settings(), "bob", undefined, 1_000, 5_000)
    assert.isTrue(issued._tag === "Set" && !("stamp" in issued.token))
  })

  it("refresh: a new expiry for the token's own user, capped at absoluteMillis after its login", () => {
    const valid = (t: core.Token): core.Incoming => ({ _tag: "Valid", token: t, stale: false })
    const issued = { ...token, issuedAt: 1_000 }
    // Within the cap: now + duration.
    assert.deepStrictEqual(core.refresh(valid(issued), "alice", refreshing(), 2_000), {
      _tag: "Set",
      token: { ...issued, expiresAt: 7_000 },
      maxAgeMillis: 5_000
    })
    // Past it: issuedAt + absoluteMillis, however often it is used.
    assert.deepStrictEqual(core.refresh(valid(issued), "alice", refreshing(), 18_000), {
      _tag: "Set",
      token: { ...issued, expiresAt: 21_000 },
      maxAgeMillis: 3_000
    })
    // A token from before issuedAt existed counts from this refresh.
    assert.deepStrictEqual(core.refresh(valid(token), "alice", refreshing(), 18_000), {
      _tag: "Set",
      token: { ...token, expiresAt: 23_000, issuedAt: 18_000 },
      maxAgeMillis: 5_000
    })
    assert.isUndefined(core.refresh(valid(issued), "alice", settings(), 2_000))
    assert.isUndefined(core.refresh(valid(issued), "mallory", refreshing(), 2_000))
    assert.isUndefined(core.refresh({ _tag: "Legacy", userId: "alice" }, "alice", refreshing(), 2_000))
    assert.isUndefined(core.refresh({ _tag: "Absent" }, "alice", refreshing(), 2_000))
  })

  it("RememberState: came, before and after the cookie is read; seriesKey only for a series' cookie", () => {
    for (const [header, came] of [[undefined, false], ["remember_token=good", true], ["other=1", false]] as const) {
      const state = new State(header, settings())
      assert.strictEqual(state.came, came, `${header} before`)
      state.incoming(0)
      assert.strictEqual(state.came, came, `${header} after`)
      assert.isUndefined(state.seriesKey(0))
    }
    assert.isUndefined(new State(undefined, settings({})).seriesKey(0))
    assert.isUndefined(new State("remember_token=flask:42", settings({})).seriesKey(0))
  })

  it("RememberState: clear ends the series that came, unless it is gone already; cleared only then", () => {
    const state = new State(`remember_token=${series}`, settings({}))
    assert.isFalse(state.cleared)
    state.clear(false)
    assert.isTrue(state.cleared)
    assert.isDefined(state.seriesKey(0))
    assert.isUndefined(state.revokedSelector)
    state.clear()
    assert.isUndefined(state.seriesKey(0))
    assert.strictEqual(state.revokedSelector, rememberSeries.parse(series)!.selector)
    const issuing = new State(undefined, settings())
    issuing.issue("bob", undefined, 0, 1_000)
    assert.isFalse(issuing.cleared)
  })

  it("RememberState: only a series cookie with a store is ended; others, duplicates and no store end nothing", () => {
    for (
      const [header, store] of [
        [`remember_token=${series}`, undefined],
        [`remember_token=${series}; remember_token=${series}`, {}],
        ["remember_token=flask:42", {}],
        [undefined, {}]
      ] as const
    ) {
      const state = new State(header, settings(store))
      state.issue("bob", undefined, 0, 1_000)
      assert.isUndefined(state.revokedSelector, String(header))
      assert.isFalse(state.idle)
    }
  })

  it("RememberState: a series used in its grace window gets no next cookie; resign and refresh set a token", () => {
    const used = new State(`remember_token=${series}`, settings({}))
    used.used("alice", undefined, 4_000)
    assert.isUndefined(used.outgoing)
    assert.isTrue(used.idle)

    const resigned = new State("remember_token=good", settings())
    resigned.resign({ ...token, stamp: "old" }, "new", 4_000)
    assert.deepStrictEqual(resigned.outgoing, { _tag: "Set", token: { ...token, stamp: "new" }, maxAgeMillis: 6_000 })

    const plain = new State("remember_token=good", settings())
    plain.refresh("alice", 4_000)
    assert.isUndefined(plain.outgoing)
    const refreshed = new State("remember_token=good", refreshing())
    refreshed.refresh("alice", 4_000)
    assert.deepStrictEqual(refreshed.outgoing, {
      _tag: "Set",
      token: { ...token, expiresAt: 9_000, issuedAt: 4_000 },
      maxAgeMillis: 5_000
    })
    // What the response already does with the cookie wins over a refresh.
    const clearing = new State("remember_token=good", refreshing())
    clearing.clear()
    clearing.refresh("alice", 4_000)
    assert.strictEqual(clearing.outgoing?._tag, "Clear")
  })

  it("RememberState: a logout without a cookie drops a token or series about to be set, keeps a clear", () => {
    const fresh = new State(undefined, settings())
    fresh.logout(0)
    assert.isTrue(fresh.idle)
    const starting = new State(undefined, settings({}))
    starting.issue("bob", undefined, 0, 1_000)
    assert.strictEqual(starting.outgoing?._tag, "Start")
    starting.logout(0)
    assert.isUndefined(starting.outgoing)
    const clearing = new State(undefined, settings())
    clearing.clear()
    clearing.logout(0)
    assert.isTrue(clearing.cleared)
  })

  it("RememberState: without refreshEachRequest, refresh does not even verify the cookie", () => {
    let decoded = 0
    class Counting extends State {
      override decodeToken = (raw: string, now: number) => (decoded++, reader.decodeToken(raw, now))
    }
    new Counting("remember_token=good", settings()).refresh("alice", 4_000)
    assert.strictEqual(decoded, 0)
    new Counting("remember_token=good", refreshing()).refresh("alice", 4_000)
    assert.strictEqual(decoded, 1)
  })
})
