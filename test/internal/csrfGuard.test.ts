import { HttpServerRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import * as csrfGuard from "../../src/internal/csrfGuard.js"

const settings: csrfGuard.Settings = { trustedOrigins: [], secure: false, cookieNames: ["session", "remember_token"] }
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
})
