import { assert, describe, it } from "@effect/vitest"
import * as csrf from "../../src/core/csrf.js"

const settings: csrf.Settings = {
  trustedOrigins: ["https://admin.example.com"],
  secure: true,
  cookieNames: ["session"],
  allowMissing: false
}
const host = (request: { readonly host?: string }) => request.host
const post = (headers: Record<string, string>, requestHost = "app.example.com") => ({
  method: "post",
  headers,
  host: requestHost
})

describe("csrfCore", () => {
  it("judges plain requests: Sec-Fetch-Site, then Origin, then Referer, against the host the line gives", () => {
    const options = { trustedOrigins: settings.trustedOrigins, secure: true }
    assert.isUndefined(csrf.originRefusal(post({ "sec-fetch-site": "same-origin" }), options, host))
    assert.strictEqual(
      csrf.originRefusal(post({ "sec-fetch-site": "cross-site" }), options, host),
      "Sec-Fetch-Site is \"cross-site\""
    )
    assert.isUndefined(
      csrf.originRefusal(post({ "sec-fetch-site": "cross-site", origin: "https://admin.example.com" }), options, host)
    )
    assert.isUndefined(csrf.originRefusal(post({ origin: "https://app.example.com" }), options, host))
    assert.isDefined(csrf.originRefusal(post({ origin: "http://app.example.com" }), options, host))
    assert.isDefined(csrf.originRefusal(post({ origin: "null" }), options, host))
    assert.isUndefined(csrf.originRefusal(post({ referer: "https://app.example.com/form" }), options, host))
    assert.strictEqual(
      csrf.originRefusal(post({ referer: "https://evil.test/" }), options, host),
      "the Referer is not this site"
    )
    assert.isDefined(csrf.originRefusal(post({}), options, host))
    assert.isUndefined(csrf.originRefusal(post({}), { ...options, allowMissing: true }, host))
  })

  it("is due for state-changing requests with our cookies; a login is checked without them", () => {
    let asked = 0
    const exempt = () => (asked++, false)
    const crossSite = { "sec-fetch-site": "cross-site" }
    assert.isUndefined(
      csrf.check({ ...post(crossSite), method: "GET", headers: { cookie: "session=1" } }, settings, exempt, host)
    )
    assert.isUndefined(csrf.check(post(crossSite), settings, exempt, host))
    assert.strictEqual(asked, 0)
    assert.isDefined(csrf.check(post({ ...crossSite, cookie: "session=1" }), settings, exempt, host))
    assert.isUndefined(csrf.check(post({ ...crossSite, cookie: "session=1" }), settings, () => true, host))
    assert.isDefined(csrf.checkLogin(post(crossSite), settings, exempt, host))
    assert.isUndefined(csrf.checkLogin(post({}), settings, exempt, host))
    assert.isUndefined(csrf.checkLogin(post({ ...crossSite, cookie: "session=1" }), settings, exempt, host))
    assert.isTrue(csrf.isStateChanging("patch"))
    assert.isFalse(csrf.isStateChanging("options"))
  })

  it("Sec-Fetch-Site: same-origin and none (typed, bookmarked) pass; same-site (a sibling host) is refused", () => {
    const options = { trustedOrigins: settings.trustedOrigins, secure: true }
    assert.isUndefined(csrf.originRefusal(post({ "sec-fetch-site": "none" }), options, host))
    assert.strictEqual(
      csrf.originRefusal(post({ "sec-fetch-site": "same-site" }), options, host),
      "Sec-Fetch-Site is \"same-site\""
    )
    // Only a trusted Origin overrides it: any other Origin, or the site's own in another scheme, does not.
    for (const origin of ["https://evil.test", "null", "http://admin.example.com"]) {
      assert.strictEqual(
        csrf.originRefusal(post({ "sec-fetch-site": "cross-site", origin }), options, host),
        "Sec-Fetch-Site is \"cross-site\"",
        origin
      )
    }
  })

  it("a trusted origin passes by Origin or by Referer, without Sec-Fetch-Site", () => {
    const options = { trustedOrigins: settings.trustedOrigins, secure: true }
    assert.isUndefined(csrf.originRefusal(post({ origin: "https://admin.example.com" }), options, host))
    assert.isUndefined(csrf.originRefusal(post({ referer: "https://admin.example.com/users?page=2" }), options, host))
    assert.strictEqual(
      csrf.originRefusal(post({ origin: "https://admin.example.com.evil.test" }), options, host),
      "the Origin \"https://admin.example.com.evil.test\" is not this site"
    )
  })

  it("without secure, an http origin of this host passes; other schemes of the same host never do", () => {
    const options = { trustedOrigins: [], secure: false }
    assert.isUndefined(csrf.originRefusal(post({ origin: "http://app.example.com" }), options, host))
    assert.isUndefined(csrf.originRefusal(post({ referer: "http://app.example.com/form" }), options, host))
    assert.isUndefined(csrf.originRefusal(post({ origin: "https://app.example.com" }), options, host))
    for (const origin of ["ws://app.example.com", "ftp://app.example.com", "null"]) {
      assert.strictEqual(
        csrf.originRefusal(post({ origin }), options, host),
        `the Origin ${JSON.stringify(origin)} is not this site`
      )
    }
    for (const referer of ["ws://app.example.com/", "ftp://app.example.com/form", "not a url"]) {
      assert.strictEqual(csrf.originRefusal(post({ referer }), options, host), "the Referer is not this site", referer)
    }
    // A host the line cannot tell: nothing is this site.
    assert.isDefined(csrf.originRefusal(post({ origin: "http://app.example.com" }), options, () => undefined))
  })

  it("names what is missing: a request with none of the headers", () => {
    const options = { trustedOrigins: [], secure: true }
    assert.strictEqual(
      csrf.originRefusal(post({}), options, host),
      "the request has no Origin, Sec-Fetch-Site or Referer"
    )
    assert.strictEqual(
      csrf.originRefusal(post({}), { ...options, allowMissing: false }, host),
      "the request has no Origin, Sec-Fetch-Site or Referer"
    )
  })

  it("any one of our cookies makes the check due; no settings (CSRF off) or a safe method never refuses", () => {
    const both = { ...settings, cookieNames: ["session", "remember_token"] }
    const crossSite = { "sec-fetch-site": "cross-site" }
    const never = () => false
    for (const cookie of ["session=1", "remember_token=1", "other=1; remember_token=1"]) {
      assert.strictEqual(
        csrf.check(post({ ...crossSite, cookie }), both, never, host),
        "Sec-Fetch-Site is \"cross-site\"",
        cookie
      )
    }
    assert.isUndefined(csrf.check(post({ ...crossSite, cookie: "other=1" }), both, never, host))
    assert.isUndefined(csrf.check(post({ ...crossSite, cookie: "session=1" }), undefined, never, host))
    assert.isUndefined(csrf.checkLogin(post(crossSite), undefined, never, host))
    for (const method of ["GET", "head", "OPTIONS", "trace"]) {
      assert.isUndefined(csrf.checkLogin({ ...post(crossSite), method }, settings, never, host), method)
      assert.isUndefined(
        csrf.check({ ...post({ ...crossSite, cookie: "session=1" }), method }, settings, never, host),
        method
      )
    }
    // A login without our cookies is checked even when the route is not exempt; an exempt one is not.
    assert.isUndefined(csrf.checkLogin(post(crossSite), settings, () => true, host))
  })
})
