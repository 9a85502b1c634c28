import { LoginManager } from "@effect-login/effect4"
import { assert, describe, it } from "@effect/vitest"
import { Option, Redacted } from "effect"
import { HttpServerRequest } from "effect/http"
import * as crypto from "node:crypto"

const secretKey = Redacted.make("client-identifier-test-secret-0123456789")
const identify = (request: HttpServerRequest.HttpServerRequest, trustedProxies = 0) =>
  LoginManager.clientIdentifier(request, { secretKey, trustedProxies })

const request = (headers: Record<string, string>, remoteAddress = "10.0.0.1") =>
  HttpServerRequest.fromWeb(new Request("http://localhost/", { headers })).modify({
    remoteAddress: Option.some(remoteAddress)
  })

describe("LoginManager.clientIdentifier", () => {
  it("changes with the IP or the User-Agent, and keeps neither in the clear", () => {
    const base = identify(request({ "user-agent": "ua" }))
    assert.strictEqual(base, identify(request({ "user-agent": "ua" })))
    assert.notStrictEqual(base, identify(request({ "user-agent": "other" })))
    assert.notStrictEqual(base, identify(request({ "user-agent": "ua" }, "10.0.0.2")))
    assert.notInclude(base, "10.0.0.1")
    assert.match(base, /^[\w-]{22}$/)
  })

  it("is keyed: another secret gives another identifier, and no bare hash of IP and User-Agent", () => {
    const client = request({ "user-agent": "ua" })
    const other = LoginManager.clientIdentifier(client, {
      secretKey: Redacted.make("another-secret-0123456789abcdefghij")
    })
    assert.notStrictEqual(identify(client), other)
    const bare = crypto.createHash("sha256").update("10.0.0.1|ua").digest().subarray(0, 16).toString("base64url")
    assert.notStrictEqual(identify(client), bare)
  })

  it("ignores X-Forwarded-For unless the app trusts its proxies", () => {
    const direct = identify(request({ "user-agent": "ua" }))
    const spoofed = identify(request({ "user-agent": "ua", "x-forwarded-for": "1.2.3.4" }))
    assert.strictEqual(spoofed, direct)
  })

  it("with trusted proxies, reads the client IP that many hops from the right", () => {
    const viaProxy = (xff: string) => identify(request({ "user-agent": "ua", "x-forwarded-for": xff }, "172.16.0.1"), 1)
    const client = identify(request({ "user-agent": "ua" }, "203.0.113.7"))
    assert.strictEqual(viaProxy("203.0.113.7"), client)
    // A client-written first hop does not matter: the proxy appended the real one last.
    assert.strictEqual(viaProxy("6.6.6.6, 203.0.113.7"), client)
    assert.strictEqual(
      identify(
        request({ "user-agent": "ua", "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.1.1.1" }),
        2
      ),
      client
    )
  })
})
