import * as RememberCookie from "@effect-login/effect4/RememberCookie"
import * as SessionCookie from "@effect-login/effect4/SessionCookie"
import { assert, describe, it } from "@effect/vitest"
import { assertFailure, assertSuccess } from "@effect/vitest/utils"
import { Redacted, Result, Schema } from "effect"
import * as signer from "../../src/core/signer.js"

const secretKey = Redacted.make("test-secret-key-0123456789abcdefghijkl")
const oldSecretKey = Redacted.make("old-secret-key-0123456789abcdefghijklmn")

const codec = RememberCookie.make({ secretKey })
// Integers that JSON carries exactly (not -0, which it writes as 0).
const jsonInt = Schema.Int.check(Schema.makeFilter((n) => !Object.is(n, -0)))
const tokens = Schema.Struct({
  ...RememberCookie.RememberToken.fields,
  expiresAt: jsonInt,
  duration: jsonInt,
  issuedAt: Schema.optionalKey(jsonInt)
})
const nat = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const token = { userId: "1", expiresAt: 10_000, duration: 10_000 }
const reason = (result: Result.Result<unknown, RememberCookie.RememberCookieError>) =>
  Result.match(result, { onFailure: (error) => error.reason, onSuccess: () => "ok" })

describe("RememberCookie", () => {
  it.prop("round trip", [tokens], ([generated]) => {
    // The generated objects have no prototype; the decoded ones are plain.
    const token = structuredClone(generated)
    const decoded = codec.decode(codec.encode(token), token.expiresAt - 1)
    assertSuccess(decoded, { token, stale: false })
  })

  it.prop("any one-character change or truncation is rejected", [nat, nat], ([at, cut]) => {
    const value = codec.encode(token)
    const i = at % value.length
    const changed = value.slice(0, i) + (value[i] === "A" ? "B" : "A") + value.slice(i + 1)
    assert.isTrue(Result.isFailure(codec.decode(changed, 0)))
    assert.isTrue(Result.isFailure(codec.decode(value.slice(0, cut % value.length), 0)))
  })

  it("its expiry is inside the signed payload", () => {
    const value = codec.encode(token)
    assert.strictEqual(reason(codec.decode(value, 9_999)), "ok")
    assert.strictEqual(reason(codec.decode(value, 10_000)), "Expired")
  })

  it("names its key: a previous key still verifies (stale), an unknown one does not", () => {
    const old = RememberCookie.make({ secretKey: oldSecretKey })
    const rotated = RememberCookie.make({ secretKey, previousSecretKeys: [oldSecretKey] })
    assertSuccess(rotated.decode(old.encode(token), 0), { token, stale: true })
    assert.strictEqual(reason(codec.decode(old.encode(token), 0)), "BadSignature")
    assert.notStrictEqual(old.encode(token).split(".")[0], codec.encode(token).split(".")[0])
  })

  it("a session cookie is not a remember cookie, and the reverse", () => {
    const session = SessionCookie.make({ secretKey, maxAge: "1 day" })
    const value = session.encode({ id: "x", userId: "1", issuedAt: 0 })
    assert.strictEqual(reason(codec.decode(value, 0)), "BadSignature")
    assert.isTrue(Result.isFailure(session.decode(codec.encode(token), 0)))
  })

  it("refuses oversized values and Flask-Login's plain id|hmac format", () => {
    assert.strictEqual(reason(codec.decode("a".repeat(5000), 0)), "Oversized")
    assert.strictEqual(
      reason(
        codec.decode(
          "1|99957d39ca7ab226d68131fee6af560e75137cc1944aefc715d77848074497b9ddf67434e6fa9efac11300ba05b94edc2b74de85c9fac2b73dec00538d6aaf4d",
          0
        )
      ),
      "BadSignature"
    )
    assert.strictEqual(
      new RememberCookie.RememberCookieError({ reason: "Expired" }).message,
      "Remember cookie rejected: Expired"
    )
  })
})

// From test/internal/signer.test.ts: the format the Effect 3 line writes, pinned, so that both lines
// read each other's remember cookies (a change would log every remembered user out).
describe("RememberCookie's format", () => {
  const secrets = ["known-answer-secret-0123456789abcdef"]
  const known = "f3RNeLGo.eyJ1c2VySWQiOiI0MiIsImV4cGlyZXNBdCI6NDEwMjQ0NDgwMDAwMCwiZHVyYXRpb24iOjMxNTM2MDAwMDAwfQ." +
    "-R8HD6T-VqFU0hLv6vHE35jK58eL00XP33eJ8saJj-M"

  it("known answer: a remember token", () => {
    const remember = RememberCookie.make({ secretKey: Redacted.make(secrets[0]!) })
    assert.strictEqual(remember.encode({ userId: "42", expiresAt: 4102444800000, duration: 31536000000 }), known)
    assertSuccess(remember.decode(known, 0), {
      token: { userId: "42", expiresAt: 4102444800000, duration: 31536000000 },
      stale: false
    })
  })

  it("a correctly signed but malformed payload is an error, not a throw", () => {
    const remember = RememberCookie.make({ secretKey: Redacted.make(secrets[0]!) })
    const forgedByUs = signer.hmac(secrets, "remember").sign("{\"userId\":42}")
    assertFailure(remember.decode(forgedByUs, 0), new RememberCookie.RememberCookieError({ reason: "InvalidPayload" }))
    const notJson = signer.hmac(secrets, "remember").sign("not json")
    assertFailure(remember.decode(notJson, 0), new RememberCookie.RememberCookieError({ reason: "InvalidPayload" }))
    const session = SessionCookie.make({ secretKey: Redacted.make(secrets[0]!), maxAge: "1 day" })
    const badSession = signer.hmac(secrets, "session").sign("{\"id\":1}")
    assertFailure(session.decode(badSession, 0), new SessionCookie.SessionCookieError({ reason: "InvalidPayload" }))
  })
})
