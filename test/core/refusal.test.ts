import { assert, describe, it } from "@effect/vitest"
import * as core from "../../src/core/refusal.js"

const url = new URL("https://app.example.com/account?tab=1")
const flash = { message: "Please log in", category: "info" }

describe("refusalCore", () => {
  it("next: the path and query; the full URL for a view on another site; / without a URL", () => {
    assert.strictEqual(core.next(url, "/login"), "/account?tab=1")
    assert.strictEqual(core.next(url, "https://app.example.com/login"), "/account?tab=1")
    assert.strictEqual(core.next(url, "https://auth.example.com/login"), "https://app.example.com/account?tab=1")
    assert.strictEqual(core.next(undefined, "/login"), "/")
  })

  it("redirects with next in the query, or kept in the session with the flash", () => {
    const plain = { useSessionForNext: false, loginMessage: undefined, needsRefreshMessage: undefined }
    const bare = core.redirect(plain, "Unauthorized", "/login", "/a", (m) => m)
    assert.strictEqual(bare.location, "/login?next=%2Fa")
    assert.isUndefined(bare.keep)
    const inSession = core.redirect(
      { ...plain, useSessionForNext: true, needsRefreshMessage: flash },
      "NeedsRefresh",
      "/login",
      "/a",
      (m) => `[${m}]`
    )
    assert.strictEqual(inSession.location, "/login")
    const kept = inSession.keep?.({ id: "s", issuedAt: 0 }, 0)
    assert.strictEqual(kept?.next, "/a")
    assert.deepStrictEqual(kept?.flashes, [["info", "[Please log in]"]])
    // The login message is the Unauthorized one only.
    assert.isUndefined(
      core.redirect({ ...plain, needsRefreshMessage: flash }, "Unauthorized", "/l", "/a", (m) => m).keep
    )
  })

  it("answers JSON to clients that accept it", () => {
    assert.isTrue(core.wantsJson({ headers: { accept: "text/html, application/json" } }))
    assert.isFalse(core.wantsJson({ headers: {} }))
    assert.deepStrictEqual(core.unauthorizedBody("NeedsRefresh"), {
      error: "NeedsRefresh",
      message: "A fresh login is required"
    })
    assert.strictEqual(core.csrfMessage("x"), "Cross-site request refused: x")
  })

  it("a flashed message without useSessionForNext: next in the query, the flash kept, no next in the session", () => {
    const settings = { useSessionForNext: false, loginMessage: flash, needsRefreshMessage: undefined }
    const refused = core.redirect(settings, "Unauthorized", "/login", "/a", (m) => m)
    assert.strictEqual(refused.location, "/login?next=%2Fa")
    const kept = refused.keep?.({ id: "s", issuedAt: 0 }, 0)
    assert.deepStrictEqual(kept?.flashes, [["info", "Please log in"]])
    assert.isUndefined(kept?.next)
  })

  it("useSessionForNext without a message: next kept in the session, no flash", () => {
    const settings = { useSessionForNext: true, loginMessage: undefined, needsRefreshMessage: undefined }
    const refused = core.redirect(settings, "Unauthorized", "/login", "/a", (m) => m)
    assert.strictEqual(refused.location, "/login")
    const kept = refused.keep?.({ id: "s", issuedAt: 0 }, 0)
    assert.strictEqual(kept?.next, "/a")
    assert.isUndefined(kept?.flashes)
  })
})
