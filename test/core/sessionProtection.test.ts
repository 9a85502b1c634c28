import { HttpServerRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import * as sessionProtection from "../../src/core/sessionProtection.js"

describe("sessionProtection", () => {
  it("decides what a login becomes for the client that uses it", () => {
    const { decide } = sessionProtection
    assert.strictEqual(decide("basic", "a", "a"), "Keep")
    assert.strictEqual(decide("basic", "a", undefined), "Keep") // protection off
    assert.strictEqual(decide("basic", undefined, "a"), "Bind")
    assert.strictEqual(decide("strong", undefined, "a"), "Bind")
    assert.strictEqual(decide("basic", "a", "b"), "Stale")
    assert.strictEqual(decide("strong", "a", "b"), "End")
  })

  it("a stamp holds only when it matches, or when the application keeps none", () => {
    assert.isTrue(sessionProtection.stampHolds(undefined, undefined))
    assert.isTrue(sessionProtection.stampHolds(undefined, "old"))
    assert.isTrue(sessionProtection.stampHolds("s1", "s1"))
    assert.isFalse(sessionProtection.stampHolds("s1", "s2"))
    assert.isFalse(sessionProtection.stampHolds("s1", undefined))
    assert.isFalse(sessionProtection.stampHolds("s1", "s1x"))
  })

  it("identifies a client the same way every time (cached), and tells clients apart", () => {
    const identify = sessionProtection.clientIdentifier(0, sessionProtection.clientKey("k"))
    const request = (ua: string) =>
      HttpServerRequest.fromWeb(new Request("http://localhost/", { headers: { "user-agent": ua } }))
    assert.strictEqual(identify(request("a")), identify(request("a")))
    assert.notStrictEqual(identify(request("a")), identify(request("b")))
    // Long User-Agents are hashed every time rather than kept: the same answer.
    const long = "x".repeat(2000)
    assert.strictEqual(identify(request(long)), identify(request(long)))
  })

  it("with fewer X-Forwarded-For hops than trusted proxies, the peer's address counts, not the client's writing", () => {
    const identify = sessionProtection.clientIdentifier(2, sessionProtection.clientKey("k"))
    const request = (xff: string | undefined, remoteAddress: string) =>
      HttpServerRequest.fromWeb(
        new Request("http://localhost/", {
          headers: { "user-agent": "ua", ...(xff === undefined ? {} : { "x-forwarded-for": xff }) }
        })
      ).modify({ remoteAddress })
    const direct = identify(request(undefined, "10.0.0.9"))
    assert.strictEqual(identify(request("6.6.6.6", "10.0.0.9")), direct)
    assert.notStrictEqual(identify(request("6.6.6.6", "10.0.0.9")), identify(request(undefined, "6.6.6.6")))
    // Two hops through two proxies: the client is the leftmost the proxies appended.
    assert.strictEqual(
      identify(request("203.0.113.7, 10.1.1.1", "10.0.0.9")),
      identify(request(undefined, "203.0.113.7"))
    )
  })
})
