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
})
