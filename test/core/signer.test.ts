/**
 * The signed and encrypted formats, pinned: known answers (a change of key
 * derivation, label or layout is a deliberate, visible break that would log
 * every user out), malleability (junk around a valid value, unused bits of the
 * last base64url character), and purpose separation.
 */
import { assert, describe, it } from "@effect/vitest"
import { assertLeft, assertRight } from "@effect/vitest/utils"
import { Redacted } from "effect"
import { RememberCookie, SessionCookie } from "effect-login"
import * as signer from "../../src/core/signer.js"

const secrets = ["known-answer-secret-0123456789abcdef"]
const payload = "{\"id\":\"kat\",\"issuedAt\":0}"
const known = {
  hmacSession: "SNqH3NdC.eyJpZCI6ImthdCIsImlzc3VlZEF0IjowfQ.ldTdV_IIM2zATTBL-kJM79wwwXDX3IESW3GgV4JIYGg",
  aesSession: "TZDNZmOI.CGS8vA0uTxtw96mgmLsRABvrr6xguwBrDXLjznZpDJ9vIOi2yKWcuUDvgyMeoapcsxahfK0",
  remember: "f3RNeLGo.eyJ1c2VySWQiOiI0MiIsImV4cGlyZXNBdCI6NDEwMjQ0NDgwMDAwMCwiZHVyYXRpb24iOjMxNTM2MDAwMDAwfQ." +
    "-R8HD6T-VqFU0hLv6vHE35jK58eL00XP33eJ8saJj-M"
}
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
/** The same bytes, spelled differently: the last character's unused low bits set. */
const respell = (value: string) => value.slice(0, -1) + alphabet[alphabet.indexOf(value.at(-1)!) + 1]!

describe("signer", () => {
  it("known answers: an HMAC session value, an encrypted one, a remember token", () => {
    assert.strictEqual(signer.hmac(secrets, "session").sign(payload), known.hmacSession)
    assert.deepStrictEqual(signer.aesGcm(secrets, "session").verify(known.aesSession), { payload, stale: false })
    const remember = RememberCookie.make({ secretKey: Redacted.make(secrets[0]!) })
    assert.strictEqual(
      remember.encode({ userId: "42", expiresAt: 4102444800000, duration: 31536000000 }),
      known.remember
    )
    assertRight(remember.decode(known.remember, 0), {
      token: { userId: "42", expiresAt: 4102444800000, duration: 31536000000 },
      stale: false
    })
  })

  it("junk before or after the MAC is refused, whatever it decodes to", () => {
    const hmac = signer.hmac(secrets, "session")
    const dot = known.hmacSession.lastIndexOf(".")
    for (const junk of ["!", "=", "A", "AA", " "]) {
      assert.isUndefined(hmac.verify(known.hmacSession + junk), `after: ${junk}`)
      const before = known.hmacSession.slice(0, dot + 1) + junk + known.hmacSession.slice(dot + 1)
      assert.isUndefined(hmac.verify(before), `before: ${junk}`)
    }
    assert.deepStrictEqual(hmac.verify(known.hmacSession), { payload, stale: false })
  })

  it("only the canonical spelling is accepted: the last character's unused bits must be zero", () => {
    const respelled = respell(known.hmacSession)
    assert.notStrictEqual(respelled, known.hmacSession)
    assert.isUndefined(signer.hmac(secrets, "session").verify(respelled))
    const aes = signer.aesGcm(secrets, "session")
    for (let i = 0; i < 20; i++) {
      const sealed = aes.sign(`${payload}${"x".repeat(i)}`)
      // Only values whose last character carries unused bits can be respelled.
      const last = alphabet.indexOf(sealed.at(-1)!)
      const length = sealed.length - sealed.indexOf(".") - 1
      if (length % 4 === 0 || last % (length % 4 === 2 ? 16 : 4) !== 0) continue
      assert.isUndefined(aes.verify(respell(sealed)), sealed)
    }
  })

  it("a value made for one purpose is refused for another, signed or encrypted", () => {
    for (const make of [signer.hmac, signer.aesGcm]) {
      const session = make(secrets, "session")
      const remember = make(secrets, "remember")
      assert.isUndefined(remember.verify(session.sign(payload)))
      assert.isUndefined(session.verify(remember.sign(payload)))
    }
  })

  it("a correctly signed but malformed payload is an error, not a throw", () => {
    const remember = RememberCookie.make({ secretKey: Redacted.make(secrets[0]!) })
    const forgedByUs = signer.hmac(secrets, "remember").sign("{\"userId\":42}")
    assertLeft(remember.decode(forgedByUs, 0), new RememberCookie.RememberCookieError({ reason: "InvalidPayload" }))
    const notJson = signer.hmac(secrets, "remember").sign("not json")
    assertLeft(remember.decode(notJson, 0), new RememberCookie.RememberCookieError({ reason: "InvalidPayload" }))
    const session = SessionCookie.make({ secretKey: Redacted.make(secrets[0]!), maxAge: "1 day" })
    const badSession = signer.hmac(secrets, "session").sign("{\"id\":1}")
    assertLeft(session.decode(badSession, 0), new SessionCookie.SessionCookieError({ reason: "InvalidPayload" }))
  })
})
