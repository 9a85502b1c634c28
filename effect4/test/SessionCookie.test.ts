import * as SessionCookie from "@effect-login/effect4/SessionCookie"
import { assert, describe, expectTypeOf, it } from "@effect/vitest"
import { assertFailure, assertSuccess } from "@effect/vitest/utils"
import { Redacted, Result, Schema } from "effect"
import type * as sessionData from "../../src/core/sessionData.js"
import * as signers from "../../src/core/signer.js"

const secretKey = Redacted.make("test-secret-key-0123456789abcdefghijkl")
const oldSecretKey = Redacted.make("old-secret-key-0123456789abcdefghijklmn")

// The session schema, with data values and times that JSON carries exactly (not -0, which it writes as 0).
const jsonInt = Schema.Int.check(Schema.makeFilter((n) => !Object.is(n, -0)))
const sessions = Schema.Struct({
  ...SessionCookie.SessionData.fields,
  freshAt: Schema.optionalKey(jsonInt),
  loginAt: Schema.optionalKey(jsonInt),
  data: Schema.optionalKey(
    Schema.Record(Schema.String.check(Schema.makeFilter((name) => name !== "__proto__")), Schema.String)
  ),
  issuedAt: jsonInt.check(Schema.isBetween({ minimum: 0, maximum: 1e12 }))
})
const nat = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const shifts = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 63 }))

const base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
const maxAge = "1 hour"

for (const encrypt of [false, true]) {
  describe(encrypt ? "encrypted codec" : "signed codec", () => {
    const codec = SessionCookie.make({ secretKey, encrypt, maxAge })

    it.prop("round trip", [sessions], ([generated]) => {
      // The generated objects have no prototype; the decoded ones are plain.
      const session = structuredClone(generated)
      const decoded = codec.decode(codec.encode(session), session.issuedAt)
      assertSuccess(decoded, { session, stale: false })
    })

    it.prop(
      "any one-character change is rejected",
      [sessions, nat, shifts],
      ([session, at, shift]) => {
        const value = codec.encode(session)
        const i = at % value.length
        const index = base64url.indexOf(value[i]!)
        // Keep the value well-formed: swap a base64url character for another one.
        if (index < 0) return
        const tampered = value.slice(0, i) + base64url[(index + shift) % 64] + value.slice(i + 1)
        assert.isTrue(Result.isFailure(codec.decode(tampered, session.issuedAt)))
      }
    )

    it.prop("any truncation is rejected", [sessions, nat], ([session, cut]) => {
      const value = codec.encode(session)
      assert.isTrue(Result.isFailure(codec.decode(value.slice(0, cut % value.length), session.issuedAt)))
    })

    it("rejects a value made with another key", () => {
      const other = SessionCookie.make({ secretKey: oldSecretKey, encrypt, maxAge })
      const value = other.encode({ id: "x", userId: "1", issuedAt: 0 })
      assertFailure(codec.decode(value, 0), new SessionCookie.SessionCookieError({ reason: "BadSignature" }))
    })

    it("accepts a previous key and says the value is stale", () => {
      const old = SessionCookie.make({ secretKey: oldSecretKey, encrypt, maxAge })
      const rotated = SessionCookie.make({ secretKey, previousSecretKeys: [oldSecretKey], encrypt, maxAge })
      const session = { id: "x", userId: "1", issuedAt: 0 }
      assertSuccess(rotated.decode(old.encode(session), 0), { session, stale: true })
      assertSuccess(rotated.decode(rotated.encode(session), 0), { session, stale: false })
    })

    it("expires maxAge after it was issued", () => {
      const value = codec.encode({ id: "x", issuedAt: 1_000 })
      assert.isTrue(Result.isSuccess(codec.decode(value, 1_000 + 3_599_999)))
      assertFailure(codec.decode(value, 1_000 + 3_600_000), new SessionCookie.SessionCookieError({ reason: "Expired" }))
    })

    it("rejects oversized and malformed values", () => {
      const reason = (value: string) =>
        Result.match(codec.decode(value, 0), { onFailure: (e) => e.reason, onSuccess: () => "ok" })
      assert.strictEqual(reason("a".repeat(4097)), "Oversized")
      for (const value of ["", "abc def", "ab\u00ffcd", "a.b.c", "a.b", "..", "a..c"]) {
        assert.strictEqual(reason(value), "BadSignature", value)
      }
    })
  })
}

describe("payload", () => {
  it("the schema decodes to the shared core's plain SessionData, which the Effect 3 line uses too", () => {
    expectTypeOf<SessionCookie.SessionData>().toEqualTypeOf<sessionData.SessionData>()
    expectTypeOf<SessionCookie.Flash>().toEqualTypeOf<sessionData.Flash>()
  })

  it("a correctly signed value that is not a session is rejected", () => {
    // What a leaked key, or a bug in another writer, could produce: valid MAC, wrong shape.
    const codec = SessionCookie.make({ secretKey, maxAge })
    const signer = signers.hmac([Redacted.value(secretKey)], "session")
    for (
      const json of [
        "{\"userId\":\"1\"}",
        "{\"id\":1,\"issuedAt\":0}",
        "{\"id\":\"x\",\"issuedAt\":1.5}",
        "[]",
        "null",
        "x"
      ]
    ) {
      const value = signer.sign(json)
      assertFailure(codec.decode(value, 0), new SessionCookie.SessionCookieError({ reason: "InvalidPayload" }))
    }
  })
})

describe("keys", () => {
  it("are separated by purpose: a session cookie is not valid as another kind of cookie", () => {
    const session = SessionCookie.make({ secretKey, maxAge })
    const other = SessionCookie.make({ secretKey, maxAge, purpose: "remember" })
    const value = session.encode({ id: "x", userId: "1", issuedAt: 0 })
    assert.isTrue(Result.isFailure(other.decode(value, 0)))
  })

  it("signed and encrypted values are not interchangeable", () => {
    const signed = SessionCookie.make({ secretKey, maxAge })
    const encrypted = SessionCookie.make({ secretKey, maxAge, encrypt: true })
    const session = { id: "x", issuedAt: 0 }
    assert.isTrue(Result.isFailure(encrypted.decode(signed.encode(session), 0)))
    assert.isTrue(Result.isFailure(signed.decode(encrypted.encode(session), 0)))
  })

  it("two encryptions of one session differ (fresh IV)", () => {
    const encrypted = SessionCookie.make({ secretKey, maxAge, encrypt: true })
    const session = { id: "x", issuedAt: 0 }
    assert.notStrictEqual(encrypted.encode(session), encrypted.encode(session))
  })

  it("the error message names the reason and nothing secret", () => {
    assert.strictEqual(
      new SessionCookie.SessionCookieError({ reason: "Expired" }).message,
      "Session cookie rejected: Expired"
    )
    assert.strictEqual(SessionCookie.maxCookieBytes, 4096)
  })
})

describe("SessionCookie boundaries", () => {
  it("a value of 4096 characters is read (and refused only by its signature), one of 4097 is oversized", () => {
    const codec = SessionCookie.make({ secretKey, maxAge: "1 day" })
    assertFailure(codec.decode("a".repeat(4096), 0), new SessionCookie.SessionCookieError({ reason: "BadSignature" }))
    assertFailure(codec.decode("a".repeat(4097), 0), new SessionCookie.SessionCookieError({ reason: "Oversized" }))
  })
})
