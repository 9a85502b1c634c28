import { HttpServerRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { LoginManager } from "effect-login"

const request = (headers: Record<string, string>, remoteAddress = "10.0.0.1") =>
  HttpServerRequest.fromWeb(new Request("http://localhost/", { headers })).modify({ remoteAddress })

describe("LoginManager.clientIdentifier", () => {
  it("changes with the IP or the User-Agent, and keeps neither in the clear", () => {
    const base = LoginManager.clientIdentifier(request({ "user-agent": "ua" }))
    assert.strictEqual(base, LoginManager.clientIdentifier(request({ "user-agent": "ua" })))
    assert.notStrictEqual(base, LoginManager.clientIdentifier(request({ "user-agent": "other" })))
    assert.notStrictEqual(base, LoginManager.clientIdentifier(request({ "user-agent": "ua" }, "10.0.0.2")))
    assert.notInclude(base, "10.0.0.1")
    assert.match(base, /^[\w-]{22}$/)
  })

  it("ignores X-Forwarded-For unless the app trusts its proxies", () => {
    const direct = LoginManager.clientIdentifier(request({ "user-agent": "ua" }))
    const spoofed = LoginManager.clientIdentifier(request({ "user-agent": "ua", "x-forwarded-for": "1.2.3.4" }))
    assert.strictEqual(spoofed, direct)
  })

  it("with trusted proxies, reads the client IP that many hops from the right", () => {
    const viaProxy = (xff: string) =>
      LoginManager.clientIdentifier(request({ "user-agent": "ua", "x-forwarded-for": xff }, "172.16.0.1"), 1)
    const client = LoginManager.clientIdentifier(request({ "user-agent": "ua" }, "203.0.113.7"))
    assert.strictEqual(viaProxy("203.0.113.7"), client)
    // A client-written first hop does not matter: the proxy appended the real one last.
    assert.strictEqual(viaProxy("6.6.6.6, 203.0.113.7"), client)
    assert.strictEqual(
      LoginManager.clientIdentifier(
        request({ "user-agent": "ua", "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.1.1.1" }),
        2
      ),
      client
    )
  })
})
