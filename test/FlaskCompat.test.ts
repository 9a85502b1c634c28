/**
 * The Flask interop codecs against real cookies minted by Flask-Login 0.6.3
 * (Flask 3.1.1, itsdangerous 2.2.0): test/vectors/flask-login-0.6.3.json, a
 * copy of the team's ../shared/vectors.
 */
import { assert, describe, it } from "@effect/vitest"
import { assertNone, assertSome } from "@effect/vitest/utils"
import { Option, Redacted } from "effect"
import { FlaskCompat } from "effect-login"
import * as fs from "node:fs"
import * as path from "node:path"

const vectors = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "vectors/flask-login-0.6.3.json"), "utf8"))
const secretKey = Redacted.make(vectors.secret_key as string)
const now = (vectors.frozen_time.epoch as number) * 1000
const login = vectors.vectors["login_user(remember=True) uid=1"]
const unicode = vectors.vectors["login_user(remember=True) uid=u/ñ"]
const custom = vectors.vectors["login_user(remember=True, duration=7h) uid=1"]

describe("FlaskCompat.decodeRememberCookie", () => {
  it("reads Flask-Login's remember cookies", () => {
    assertSome(FlaskCompat.decodeRememberCookie(vectors.remember_cookie["user_id '1'"], secretKey), "1")
    assertSome(
      FlaskCompat.decodeRememberCookie(vectors.remember_cookie["user_id 'u/ñ' (logical value)"], secretKey),
      "u/ñ"
    )
  })

  it("reads the quoted, octal-escaped form Werkzeug sends and browsers echo", () => {
    assertSome(FlaskCompat.decodeRememberCookie(unicode.remember_token_raw_in_set_cookie, secretKey), "u/ñ")
  })

  it("matches encode_cookie, including the test suite's 'deterministic' key", () => {
    assert.strictEqual(FlaskCompat.encodeRememberCookie("1", secretKey), vectors.vectors["encode_cookie[1]"].value)
    assert.strictEqual(
      FlaskCompat.encodeRememberCookie("1", Redacted.make("deterministic")),
      vectors.vectors.encode_cookie_test_suite_key_deterministic
    )
  })

  it("refuses tampered, malformed, wrong-key and non-ASCII digests (Flask-Login answers the last with a 500)", () => {
    const good = vectors.remember_cookie["user_id '1'"] as string
    const [id, digest] = good.split("|") as [string, string]
    for (
      const bad of [
        "Foo|BAD_BASH",
        "no bar",
        `${id}|${digest.toUpperCase()}`,
        `2|${digest}`,
        `1|${"0".repeat(128)}`,
        "1|ñ",
        "\"1|\\303\\261\"",
        "garbage",
        ""
      ]
    ) {
      assertNone(FlaskCompat.decodeRememberCookie(bad, secretKey))
    }
    assertNone(FlaskCompat.decodeRememberCookie(good, Redacted.make("another key")))
  })
})

describe("FlaskCompat.decodeSessionCookie", () => {
  it("reads a compressed Flask session with Flask-Login's keys", () => {
    const session = FlaskCompat.decodeSessionCookie(login.session_cookie_value, { secretKey, now })
    assertSome(session, { data: login.session_decoded_manual.data, signedAt: now })
  })

  it("reads an uncompressed one, and unicode ids", () => {
    const restored = login.after_session_deleted_whoami
    assertSome(
      Option.map(FlaskCompat.decodeSessionCookie(restored.session_cookie_value, { secretKey, now }), (s) => s.data),
      { _fresh: false, _user_id: "1" }
    )
    assertSome(
      Option.map(
        FlaskCompat.decodeSessionCookie(unicode.session_cookie_value, { secretKey, now }),
        (s) => s.data._user_id
      ),
      "u/ñ"
    )
    assertSome(
      Option.map(
        FlaskCompat.decodeSessionCookie(custom.session_cookie_value, { secretKey, now }),
        (s) => s.data._remember_seconds
      ),
      25200
    )
  })

  it("untags Flask's tagged JSON (flashes are tuples)", () => {
    // The anonymous redirect's session: {"_flashes":[{" t":["message","Please log in to access this page."]}]}
    const value =
      "eyJfZmxhc2hlcyI6W3siIHQiOlsibWVzc2FnZSIsIlBsZWFzZSBsb2cgaW4gdG8gYWNjZXNzIHRoaXMgcGFnZS4iXX1dfQ.ZVPxAA.eR9SfPOBzt3EqnL6f46iJeqiVgM"
    assertSome(Option.map(FlaskCompat.decodeSessionCookie(value, { secretKey, now }), (s) => s.data), {
      _flashes: [["message", "Please log in to access this page."]]
    })
  })

  it("refuses tampered, wrong-key, expired and future-signed sessions", () => {
    const value = login.session_cookie_value as string
    const flipped = value.slice(0, -1) + (value.endsWith("Y") ? "Z" : "Y")
    assert.isTrue(Option.isNone(FlaskCompat.decodeSessionCookie(flipped, { secretKey, now })))
    assert.isTrue(Option.isNone(FlaskCompat.decodeSessionCookie(value, { secretKey: Redacted.make("nope"), now })))
    assert.isTrue(Option.isNone(FlaskCompat.decodeSessionCookie(value, { secretKey, now: now + 32 * 86_400_000 })))
    assert.isTrue(
      Option.isSome(
        FlaskCompat.decodeSessionCookie(value, { secretKey, now: now + 86_400_000, sessionMaxAge: "2 days" })
      )
    )
    // A shorter sessionMaxAge than Flask's 31 days refuses what the default would accept.
    assert.isTrue(
      Option.isNone(
        FlaskCompat.decodeSessionCookie(value, { secretKey, now: now + 86_400_000, sessionMaxAge: "12 hours" })
      )
    )
    // Signed in the future: refused beyond the clocks' allowed skew.
    const skew = FlaskCompat.maxClockSkewMillis
    assert.strictEqual(skew, 60_000)
    assert.isTrue(Option.isSome(FlaskCompat.decodeSessionCookie(value, { secretKey, now: now - skew })))
    assert.isTrue(Option.isNone(FlaskCompat.decodeSessionCookie(value, { secretKey, now: now - skew - 1 })))
    assert.isTrue(
      Option.isNone(FlaskCompat.decodeSessionCookie(value, { secretKey, now: now - 10 * 365 * 86_400_000 }))
    )
    for (const bad of ["", ".", "a.b", "..", "a.b.c", "x".repeat(5000)]) {
      assert.isTrue(Option.isNone(FlaskCompat.decodeSessionCookie(bad, { secretKey, now })), bad)
    }
  })
})
