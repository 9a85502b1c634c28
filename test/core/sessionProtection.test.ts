import { HttpServerRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import * as sessionProtection from "../../src/core/sessionProtection.js"

const client = (ip: string, headers: Record<string, string>): sessionProtection.ClientRequest => ({
  headers,
  remoteAddress: { _tag: "Some", value: ip }
})

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

  it("known answer: HMAC-SHA256 of \"ip|user-agent\" under the derived client key, 16 bytes (a change ends every binding)", () => {
    // Computed separately: HKDF-SHA256(secret, salt "effect-login", info "client-identifier/hmac-sha256", 32 bytes).
    const identify = sessionProtection.clientIdentifier(
      0,
      sessionProtection.clientKey("known-answer-secret-0123456789abcdef")
    )
    assert.strictEqual(identify(client("203.0.113.7", { "user-agent": "Mozilla/5.0" })), "gY436UaUvye-czsMjpMYCw")
  })

  it("the peer's address is \"\" when the platform knows none; no User-Agent reads as an empty one", () => {
    assert.strictEqual(sessionProtection.peerOf({ headers: {}, remoteAddress: { _tag: "None" } }), "")
    assert.strictEqual(sessionProtection.peerOf(client("10.0.0.1", {})), "10.0.0.1")
    const identify = sessionProtection.clientIdentifier(0, sessionProtection.clientKey("k"))
    assert.strictEqual(
      identify({ headers: {}, remoteAddress: { _tag: "None" } }),
      identify({ headers: { "user-agent": "" }, remoteAddress: { _tag: "None" } })
    )
    assert.strictEqual(identify(client("10.0.0.1", {})), identify(client("10.0.0.1", { "user-agent": "" })))
  })

  it("without trusted proxies, X-Forwarded-For is the client's own writing: only the peer's address counts", () => {
    const identify = sessionProtection.clientIdentifier(0, sessionProtection.clientKey("k"))
    const forged = { "x-forwarded-for": "203.0.113.7" }
    assert.strictEqual(identify(client("10.0.0.1", forged)), identify(client("10.0.0.1", {})))
    assert.notStrictEqual(identify(client("10.0.0.1", forged)), identify(client("10.0.0.2", forged)))
  })

  it("with one trusted proxy, the rightmost hop is the client: spaces and empty hops aside", () => {
    const identify = sessionProtection.clientIdentifier(1, sessionProtection.clientKey("k"))
    const as = (ip: string) => identify(client(ip, {}))
    assert.strictEqual(identify(client("10.0.0.9", { "x-forwarded-for": "6.6.6.6, 203.0.113.7" })), as("203.0.113.7"))
    assert.strictEqual(identify(client("10.0.0.9", { "x-forwarded-for": "6.6.6.6,203.0.113.7, ," })), as("203.0.113.7"))
    // No header: the request did not come through the proxy; the peer is the client.
    assert.notStrictEqual(as("10.0.0.9"), as("10.0.0.8"))
    const two = sessionProtection.clientIdentifier(2, sessionProtection.clientKey("k"))
    assert.strictEqual(
      two(client("10.0.0.9", { "x-forwarded-for": " 203.0.113.7 ,, 10.1.1.1" })),
      two(client("203.0.113.7", {}))
    )
  })
})
