import { assert, describe, it } from "@effect/vitest"
import * as core from "../../src/core/userResolution.js"

const stamps: core.Stamps = {
  loader: { securityStamp: (user) => (user as { stamp: string }).stamp },
  stampHashes: (stamp) => [`h1(${stamp})`, `h0(${stamp})`]
}
const clients = (previous: ReadonlyArray<string> = []) => ({
  client: (request: string) => `c1(${request})`,
  previousClients: () => previous,
  protection: "strong" as const,
  loginLifetimeMillis: 1_000
})
const login = { id: "s", userId: "u", issuedAt: 0, loginAt: 0, client: "c1(a)" }

describe("userResolutionCore", () => {
  it("matches a stamp under the current secret, a previous one, or not at all", () => {
    const user = { stamp: "s1" }
    assert.strictEqual(core.stampOf(stamps, user), "h1(s1)")
    assert.strictEqual(core.stampMatch(stamps, user, "h1(s1)"), "current")
    assert.strictEqual(core.stampMatch(stamps, user, "h0(s1)"), "previous")
    assert.strictEqual(core.stampMatch(stamps, user, "h1(s2)"), "changed")
    assert.strictEqual(core.stampMatch(stamps, user, undefined), "changed")
    const none: core.Stamps = { ...stamps, loader: { securityStamp: undefined } }
    assert.strictEqual(core.stampMatch(none, user, undefined), "current")
    assert.deepStrictEqual(core.bindingOf({ ...stamps, ...clients() }, "a", user), { client: "c1(a)", stamp: "h1(s1)" })
  })

  it("a session's login: expired, kept, ended by protection, or bound again under the current secret", () => {
    assert.strictEqual(core.sessionVerdict(clients(), "a", login, 1_000, "c1(a)"), "Expired")
    assert.strictEqual(core.sessionVerdict(clients(), "a", login, 999, "c1(a)"), "Keep")
    assert.strictEqual(core.sessionVerdict(clients(), "b", login, 0, "c1(b)"), "End")
    assert.strictEqual(core.sessionVerdict(clients(["c1(a)"]), "b", login, 0, "c1(b)"), "Bind")
    assert.strictEqual(core.sessionVerdict(clients(), "a", { id: "s", userId: "u", issuedAt: 0 }, 0, "c1(a)"), "Bind")
  })

  it("a restored remember cookie is replaced, re-signed or refreshed", () => {
    const token = { userId: "u", expiresAt: 9, duration: 9, stamp: "t" }
    assert.strictEqual(core.afterRestore({ _tag: "Legacy", userId: "u" }, "current")._tag, "Issue")
    assert.deepStrictEqual(core.afterRestore({ _tag: "Valid", token, stale: true }, "current"), {
      _tag: "Resign",
      token
    })
    assert.strictEqual(core.afterRestore({ _tag: "Valid", token, stale: false }, "previous")._tag, "Resign")
    assert.strictEqual(core.afterRestore({ _tag: "Valid", token, stale: false }, "current")._tag, "Refresh")
    assert.strictEqual(core.rememberedStamp({ _tag: "Valid", token, stale: false }, "series"), "t")
    assert.strictEqual(core.rememberedStamp({ _tag: "Legacy", userId: "u" }, "series"), "series")
  })

  it("without stamps or protection, nothing is read: no stamp, no client", () => {
    const none: core.Stamps = { ...stamps, loader: { securityStamp: undefined } }
    assert.isUndefined(core.stampOf(none, { stamp: "s1" }))
    assert.deepStrictEqual(
      core.bindingOf({ ...none, client: undefined, previousClients: undefined }, "a", { stamp: "s1" }),
      { client: undefined, stamp: undefined }
    )
  })

  it("the login's lifetime counts from its loginAt", () => {
    const late = { ...login, loginAt: 5_000 }
    assert.strictEqual(core.sessionVerdict(clients(), "a", late, 5_999, "c1(a)"), "Keep")
    assert.strictEqual(core.sessionVerdict(clients(), "a", late, 6_000, "c1(a)"), "Expired")
    // A login with no loginAt (before it existed) has no lifetime to end.
    const { loginAt: _, ...undated } = login
    assert.strictEqual(core.sessionVerdict(clients(), "a", undated, 1_000_000, "c1(a)"), "Keep")
  })

  it("a client bound under a previous secret is bound again, in basic mode too; without previous secrets it is another client", () => {
    const basic = { ...clients(["c1(a)"]), protection: "basic" as const }
    assert.strictEqual(core.sessionVerdict(basic, "b", login, 0, "c1(b)"), "Bind")
    assert.strictEqual(core.sessionVerdict({ ...basic, previousClients: () => [] }, "b", login, 0, "c1(b)"), "Stale")
    const single = { ...clients(), previousClients: undefined }
    assert.strictEqual(core.sessionVerdict(single, "b", login, 0, "c1(b)"), "End")
    assert.strictEqual(core.sessionVerdict({ ...single, protection: "basic" }, "b", login, 0, "c1(b)"), "Stale")
    // The same client stays as it is, even if a previous secret gives it the same identifier.
    assert.strictEqual(core.sessionVerdict(clients(["c1(a)"]), "a", login, 0, "c1(a)"), "Keep")
  })

  it("a series' cookie is never re-signed: refreshed, whatever its stamp's hash", () => {
    const presented = { selector: "s".repeat(22), validator: "v".repeat(43) }
    assert.strictEqual(core.afterRestore({ _tag: "Series", presented }, "previous")._tag, "Refresh")
    assert.strictEqual(core.afterRestore({ _tag: "Series", presented }, "current")._tag, "Refresh")
  })
})
