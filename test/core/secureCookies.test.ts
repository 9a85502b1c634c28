import { assert, describe, it } from "@effect/vitest"
import * as core from "../../src/core/secureCookies.js"

const request = (headers: Record<string, string>, encrypted = false) => ({ source: { socket: { encrypted } }, headers })

describe("secureCookiesCore", () => {
  it("a Secure cookie is dropped over plain http to a host that is not loopback", () => {
    assert.isTrue(core.secureCookieDropped(request({ host: "app.example.com" })))
    assert.isFalse(core.secureCookieDropped(request({ host: "app.example.com" }, true)))
    assert.isFalse(core.secureCookieDropped(request({ host: "app.example.com", "x-forwarded-proto": "HTTPS, http" })))
    for (const host of ["localhost:3000", "127.0.0.1", "[::1]:8080"]) {
      assert.isFalse(core.secureCookieDropped(request({ host })))
    }
    assert.isFalse(core.secureCookieDropped({ source: undefined, headers: {} }))
    assert.match(core.warning("app.example.com"), /plain-http request to app\.example\.com/)
  })
})
