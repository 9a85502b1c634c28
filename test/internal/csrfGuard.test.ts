import { HttpServerRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import * as csrfGuard from "../../src/internal/csrfGuard.js"

const settings: csrfGuard.Settings = {
  trustedOrigins: [],
  secure: false,
  cookieNames: ["session", "remember_token"],
  allowMissing: false
}
const request = (method: string, headers: Record<string, string>) =>
  HttpServerRequest.fromWeb(new Request("http://localhost/form", { method, headers }))

describe("csrfGuard", () => {
  it("is not due for safe methods, nor without our cookies, nor when turned off", () => {
    const never = () => assert.fail("exemption asked although no check was due")
    const crossSite = { origin: "https://evil.example", cookie: "session=x" }
    assert.isUndefined(csrfGuard.check(request("GET", crossSite), settings, never))
    assert.isUndefined(csrfGuard.check(request("POST", { origin: "https://evil.example" }), settings, never))
    assert.isUndefined(csrfGuard.check(request("POST", { ...crossSite, cookie: "other=1" }), settings, never))
    assert.isUndefined(csrfGuard.check(request("POST", crossSite), undefined, never))
  })

  it("refuses a cross-site state-changing request that carries our cookies, with the reason", () => {
    const reason = csrfGuard.check(
      request("POST", { origin: "https://evil.example", cookie: "remember_token=x" }),
      settings,
      () => false
    )
    assert.include(reason, "evil.example")
  })

  it("lets through the same site, and routes that opted out", () => {
    assert.isUndefined(
      csrfGuard.check(request("POST", { origin: "http://localhost", cookie: "session=x" }), settings, () => false)
    )
    assert.isUndefined(
      csrfGuard.check(request("DELETE", { origin: "https://evil.example", cookie: "session=x" }), settings, () => true)
    )
  })

  it("Sec-Fetch-Site first: same-origin passes whatever Host a proxy wrote; cross-site only from a trusted origin", () => {
    // A proxy rewrote Host: the Origin no longer matches it, the browser's Sec-Fetch-Site still says same-origin.
    const proxied = { origin: "https://public.example", "sec-fetch-site": "same-origin", cookie: "session=x" }
    assert.isUndefined(csrfGuard.check(request("POST", proxied), settings, () => false))
    const crossSite = { origin: "https://admin.example", "sec-fetch-site": "cross-site", cookie: "session=x" }
    assert.include(csrfGuard.check(request("POST", crossSite), settings, () => false), "cross-site")
    assert.isUndefined(
      csrfGuard.check(
        request("POST", crossSite),
        { ...settings, trustedOrigins: ["https://admin.example"] },
        () => false
      )
    )
  })

  it("with none of the headers: refused, unless allowMissing (non-browser clients)", () => {
    const bare = request("POST", { cookie: "session=x" })
    assert.include(csrfGuard.check(bare, settings, () => false), "no Origin")
    assert.isUndefined(csrfGuard.check(bare, { ...settings, allowMissing: true }, () => false))
  })

  it("a login is checked without our cookies too: cross-site refused, header-less (no browser) allowed", () => {
    const never = () => false
    assert.include(
      csrfGuard.checkLogin(request("POST", { origin: "https://evil.example" }), settings, never),
      "evil.example"
    )
    assert.include(
      csrfGuard.checkLogin(request("POST", { "sec-fetch-site": "cross-site" }), settings, never),
      "cross-site"
    )
    assert.isUndefined(csrfGuard.checkLogin(request("POST", {}), settings, never))
    assert.isUndefined(csrfGuard.checkLogin(request("POST", { "sec-fetch-site": "same-origin" }), settings, never))
    assert.isUndefined(csrfGuard.checkLogin(request("GET", { origin: "https://evil.example" }), settings, never))
    assert.isUndefined(
      csrfGuard.checkLogin(request("POST", { origin: "https://evil.example" }), settings, () => true),
      "exempt"
    )
  })
})
