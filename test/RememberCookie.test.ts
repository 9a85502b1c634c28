import { assert, describe, it } from "@effect/vitest"
import { assertRight } from "@effect/vitest/utils"
import { Arbitrary, Either, FastCheck as fc } from "effect"
import { RememberCookie, SessionCookie } from "effect-login"
import { oldSecretKey, secretKey } from "./utils/fixtures.js"

const codec = RememberCookie.make({ secretKey })
const tokens = Arbitrary.make(RememberCookie.RememberToken)
const token = { userId: "1", expiresAt: 10_000, duration: 10_000 }
const reason = (result: Either.Either<unknown, RememberCookie.RememberCookieError>) =>
  Either.match(result, { onLeft: (error) => error.reason, onRight: () => "ok" })

describe("RememberCookie", () => {
  it.prop("round trip", [tokens], ([token]) => {
    const decoded = codec.decode(codec.encode(token), token.expiresAt - 1)
    assertRight(decoded, { token, stale: false })
  })

  it.prop("any one-character change or truncation is rejected", [fc.nat(), fc.nat()], ([at, cut]) => {
    const value = codec.encode(token)
    const i = at % value.length
    const changed = value.slice(0, i) + (value[i] === "A" ? "B" : "A") + value.slice(i + 1)
    assert.isTrue(Either.isLeft(codec.decode(changed, 0)))
    assert.isTrue(Either.isLeft(codec.decode(value.slice(0, cut % value.length), 0)))
  })

  it("its expiry is inside the signed payload", () => {
    const value = codec.encode(token)
    assert.strictEqual(reason(codec.decode(value, 9_999)), "ok")
    assert.strictEqual(reason(codec.decode(value, 10_000)), "Expired")
  })

  it("names its key: a previous key still verifies (stale), an unknown one does not", () => {
    const old = RememberCookie.make({ secretKey: oldSecretKey })
    const rotated = RememberCookie.make({ secretKey, previousSecretKeys: [oldSecretKey] })
    assertRight(rotated.decode(old.encode(token), 0), { token, stale: true })
    assert.strictEqual(reason(codec.decode(old.encode(token), 0)), "BadSignature")
    assert.notStrictEqual(old.encode(token).split(".")[0], codec.encode(token).split(".")[0])
  })

  it("a session cookie is not a remember cookie, and the reverse", () => {
    const session = SessionCookie.make({ secretKey, maxAge: "1 day" })
    const value = session.encode({ id: "x", userId: "1", issuedAt: 0 })
    assert.strictEqual(reason(codec.decode(value, 0)), "BadSignature")
    assert.isTrue(Either.isLeft(session.decode(codec.encode(token), 0)))
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
