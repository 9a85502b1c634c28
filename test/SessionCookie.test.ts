import { assert, describe, expectTypeOf, it } from "@effect/vitest"
import { assertLeft, assertRight } from "@effect/vitest/utils"
import { Arbitrary, Either, FastCheck as fc, Redacted, Schema } from "effect"
import { SessionCookie } from "effect-login"
import type * as sessionData from "../src/core/sessionData.js"
import * as signers from "../src/core/signer.js"
import { oldSecretKey, secretKey } from "./utils/fixtures.js"

// The session schema, with data values and times that JSON carries exactly.
const arbitrarySession = SessionCookie.SessionData.pipe(
  Schema.omit("data", "issuedAt"),
  Schema.extend(Schema.Struct({
    data: Schema.optionalWith(
      Schema.Record({ key: Schema.String.pipe(Schema.filter((name) => name !== "__proto__")), value: Schema.String }),
      { exact: true }
    ),
    issuedAt: Schema.Int.pipe(Schema.between(0, 1e12))
  }))
)
const sessions = Arbitrary.make(arbitrarySession)

const base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
const maxAge = "1 hour"

for (const encrypt of [false, true]) {
  describe(encrypt ? "encrypted codec" : "signed codec", () => {
    const codec = SessionCookie.make({ secretKey, encrypt, maxAge })

    it.prop("round trip", [sessions], ([session]) => {
      const decoded = codec.decode(codec.encode(session), session.issuedAt)
      assertRight(decoded, { session, stale: false })
    })

    it.prop(
      "any one-character change is rejected",
      [sessions, fc.nat(), fc.integer({ min: 1, max: 63 })],
      ([session, at, shift]) => {
        const value = codec.encode(session)
        const i = at % value.length
        const index = base64url.indexOf(value[i]!)
        // Keep the value well-formed: swap a base64url character for another one.
        if (index < 0) return
        const tampered = value.slice(0, i) + base64url[(index + shift) % 64] + value.slice(i + 1)
        assert.isTrue(Either.isLeft(codec.decode(tampered, session.issuedAt)))
      }
    )

    it.prop("any truncation is rejected", [sessions, fc.nat()], ([session, cut]) => {
      const value = codec.encode(session)
      assert.isTrue(Either.isLeft(codec.decode(value.slice(0, cut % value.length), session.issuedAt)))
    })

    it("rejects a value made with another key", () => {
      const other = SessionCookie.make({ secretKey: oldSecretKey, encrypt, maxAge })
      const value = other.encode({ id: "x", userId: "1", issuedAt: 0 })
      assertLeft(codec.decode(value, 0), new SessionCookie.SessionCookieError({ reason: "BadSignature" }))
    })

    it("accepts a previous key and says the value is stale", () => {
      const old = SessionCookie.make({ secretKey: oldSecretKey, encrypt, maxAge })
      const rotated = SessionCookie.make({ secretKey, previousSecretKeys: [oldSecretKey], encrypt, maxAge })
      const session = { id: "x", userId: "1", issuedAt: 0 }
      assertRight(rotated.decode(old.encode(session), 0), { session, stale: true })
      assertRight(rotated.decode(rotated.encode(session), 0), { session, stale: false })
    })

    it("expires maxAge after it was issued", () => {
      const value = codec.encode({ id: "x", issuedAt: 1_000 })
      assert.isTrue(Either.isRight(codec.decode(value, 1_000 + 3_599_999)))
      assertLeft(codec.decode(value, 1_000 + 3_600_000), new SessionCookie.SessionCookieError({ reason: "Expired" }))
    })

    it("rejects oversized and malformed values", () => {
      const reason = (value: string) =>
        Either.match(codec.decode(value, 0), { onLeft: (e) => e.reason, onRight: () => "ok" })
      assert.strictEqual(reason("a".repeat(4097)), "Oversized")
      for (const value of ["", "abc def", "ab\u00ffcd", "a.b.c", "a.b", "..", "a..c"]) {
        assert.strictEqual(reason(value), "BadSignature", value)
      }
    })
  })
}

describe("payload", () => {
  it("the schema decodes to the shared core's plain SessionData, which the Effect 4 line uses too", () => {
    expectTypeOf<SessionCookie.SessionData>().toEqualTypeOf<sessionData.SessionData>()
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
      assertLeft(codec.decode(value, 0), new SessionCookie.SessionCookieError({ reason: "InvalidPayload" }))
    }
  })
})

describe("keys", () => {
  it("are separated by purpose: a session cookie is not valid as another kind of cookie", () => {
    const session = SessionCookie.make({ secretKey, maxAge })
    const other = SessionCookie.make({ secretKey, maxAge, purpose: "remember" })
    const value = session.encode({ id: "x", userId: "1", issuedAt: 0 })
    assert.isTrue(Either.isLeft(other.decode(value, 0)))
  })

  it("signed and encrypted values are not interchangeable", () => {
    const signed = SessionCookie.make({ secretKey, maxAge })
    const encrypted = SessionCookie.make({ secretKey, maxAge, encrypt: true })
    const session = { id: "x", issuedAt: 0 }
    assert.isTrue(Either.isLeft(encrypted.decode(signed.encode(session), 0)))
    assert.isTrue(Either.isLeft(signed.decode(encrypted.encode(session), 0)))
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
    assertLeft(codec.decode("a".repeat(4096), 0), new SessionCookie.SessionCookieError({ reason: "BadSignature" }))
    assertLeft(codec.decode("a".repeat(4097), 0), new SessionCookie.SessionCookieError({ reason: "Oversized" }))
  })
})
