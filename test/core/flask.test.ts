import { assert, describe, it } from "@effect/vitest"
import * as crypto from "node:crypto"
import { deflateSync } from "node:zlib"
import * as flask from "../../src/core/flask.js"

// Flask's session cookie as itsdangerous signs it: payload.timestamp.signature, salt `cookie-session`.
const sign = (payload: string, signedAtSeconds: number, secret: string) => {
  const timestamp = Buffer.from(signedAtSeconds.toString(16).padStart(8, "0"), "hex").toString("base64url")
  const signed = `${payload}.${timestamp}`
  const key = crypto.createHmac("sha1", secret).update("cookie-session").digest()
  return `${signed}.${crypto.createHmac("sha1", key).update(signed).digest("base64url")}`
}
const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")
const settings: flask.Settings = { secretKey: "s3cret", until: new Date(10_000_000), sessionMaxAgeMillis: undefined }

describe("flaskCore", () => {
  it("remember cookie: encodes and verifies with plain secrets; not latin-1 is refused", () => {
    const cookie = flask.encodeRememberCookie("42", "s3cret")
    assert.strictEqual(flask.decodeRememberCookie(cookie, "s3cret"), "42")
    assert.isUndefined(flask.decodeRememberCookie(cookie, "other"))
    assert.isUndefined(flask.decodeRememberCookie("42|zz", "s3cret"))
    assert.isUndefined(flask.decodeRememberCookie(cookie, "€"))
    assert.throws(() => flask.encodeRememberCookie("42", "€"), RangeError)
  })

  it("session cookie: verified, untagged, compressed or not, within its age and the clock skew", () => {
    const now = 1_000_000_000
    const data = { _user_id: "7", " t": 1, tuple: { " t": [1, 2] } }
    const plain = sign(json(data), now / 1000, "s3cret")
    const decoded = flask.decodeSessionCookie(plain, { secretKey: "s3cret", maxAgeMillis: undefined, now })
    assert.deepStrictEqual(decoded, { data: { _user_id: "7", " t": 1, tuple: [1, 2] }, signedAt: now })
    const zipped = sign(`.${deflateSync(JSON.stringify(data)).toString("base64url")}`, now / 1000, "s3cret")
    assert.deepStrictEqual(flask.decodeSessionCookie(zipped, { secretKey: "s3cret", maxAgeMillis: 1, now })?.data, {
      _user_id: "7",
      " t": 1,
      tuple: [1, 2]
    })
    assert.isUndefined(flask.decodeSessionCookie(plain, { secretKey: "other", maxAgeMillis: undefined, now }))
    const later = now + flask.defaultSessionMaxAgeMillis + 1_000
    assert.isUndefined(flask.decodeSessionCookie(plain, { secretKey: "s3cret", maxAgeMillis: undefined, now: later }))
    const earlier = now - flask.maxClockSkewMillis - 1_000
    assert.isUndefined(flask.decodeSessionCookie(plain, { secretKey: "s3cret", maxAgeMillis: undefined, now: earlier }))
  })

  it("migration: a Flask session as ours, only while the window is open", () => {
    const now = 5_000_000
    const cookie = sign(
      json({ _user_id: 7, _fresh: true, _id: "client", _flashes: [["info", "hi"], ["bad"]], next: "/n", cart: 1 }),
      now / 1000,
      "s3cret"
    )
    const migrated = flask.session(cookie, settings, now)
    assert.strictEqual(migrated?.flaskClient, "client")
    const { id: _, ...data } = migrated!.data
    assert.deepStrictEqual(data, {
      userId: "7",
      fresh: true,
      freshAt: now,
      next: "/n",
      data: { cart: 1 },
      flashes: [["info", "hi"]],
      issuedAt: now
    })
    assert.isUndefined(flask.session(cookie, { ...settings, until: new Date(now) }, now))
    const remember = flask.encodeRememberCookie("42", "s3cret")
    assert.strictEqual(flask.rememberedUserId(remember, settings, now), "42")
    assert.isUndefined(flask.rememberedUserId(remember, settings, 10_000_000))
  })

  it("protects a Flask session against the client it recorded, from plain headers and address", () => {
    const request = {
      headers: { "user-agent": "ua" },
      remoteAddress: { _tag: "Some", value: "10.0.0.1" } as const
    }
    const main = crypto.createHash("sha512").update("10.0.0.1|ua").digest("hex")
    assert.strictEqual(flask.protect("strong", main.toUpperCase(), request), "Keep")
    assert.strictEqual(flask.protect("strong", "0".repeat(128), request), "End")
    assert.strictEqual(flask.protect("basic", "0".repeat(128), request), "Stale")
    assert.strictEqual(flask.protect("off", "0".repeat(128), request), "Keep")
    assert.strictEqual(flask.protect("strong", undefined, request), "Keep")
  })
})
