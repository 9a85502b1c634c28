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

  it("remember cookie: a latin-1 secret is read as latin-1, as Flask-Login does; the RangeError says why", () => {
    const digest = crypto.createHmac("sha512", Buffer.from("s\u00e9cret", "latin1")).update("42").digest("hex")
    assert.strictEqual(flask.encodeRememberCookie("42", "s\u00e9cret"), `42|${digest}`)
    assert.strictEqual(flask.decodeRememberCookie(`42|${digest}`, "s\u00e9cret"), "42")
    assert.throws(() => flask.encodeRememberCookie("42", "\u20ac"), "Flask-Login encodes SECRET_KEY as latin-1")
  })

  it("remember cookie: only the exact lowercase 128-hex digest; up to 4096 characters", () => {
    const cookie = flask.encodeRememberCookie("42", "s3cret")
    const [id, digest] = cookie.split("|") as [string, string]
    for (const forged of [`${id}|${digest.toUpperCase()}`, `${cookie}0`, `${cookie}g`, `${cookie}00`, digest]) {
      assert.isUndefined(flask.decodeRememberCookie(forged, "s3cret"), forged)
    }
    // As Flask-Login, the empty id verifies (its user loader decides).
    assert.strictEqual(flask.decodeRememberCookie(flask.encodeRememberCookie("", "s3cret"), "s3cret"), "")
    const longest = flask.encodeRememberCookie("u".repeat(4096 - 129), "s3cret")
    assert.strictEqual(longest.length, 4096)
    assert.strictEqual(flask.decodeRememberCookie(longest, "s3cret"), "u".repeat(4096 - 129))
    assert.isUndefined(
      flask.decodeRememberCookie(flask.encodeRememberCookie("u".repeat(4096 - 128), "s3cret"), "s3cret")
    )
  })

  it("remember cookie: Werkzeug's quoted form (octal UTF-8, escaped characters); anything else quoted is refused", () => {
    const digest = (id: string) => flask.encodeRememberCookie(id, "s3cret").split("|")[1]!
    assert.strictEqual(flask.decodeRememberCookie(`"\\303\\261|${digest("\u00f1")}"`, "s3cret"), "\u00f1")
    assert.strictEqual(flask.decodeRememberCookie(`"a\\"b|${digest("a\"b")}"`, "s3cret"), "a\"b")
    assert.strictEqual(flask.decodeRememberCookie(`"\x7f|${digest("\x7f")}"`, "s3cret"), "\x7f")
    // An id that starts with a quote is not a quoted cookie.
    assert.strictEqual(flask.decodeRememberCookie(flask.encodeRememberCookie("\"a", "s3cret"), "s3cret"), "\"a")
    for (
      const value of [
        `"\u00f1|${digest("\u00f1")}"`, // not ASCII inside the quotes
        `"\\377|${digest("\u00ff")}"`, // not UTF-8
        `"42|${digest("42")}\\"`, // a trailing backslash
        `"\u01c3\u01b1|${digest("\u00f1")}"` // characters whose low bytes spell UTF-8
      ]
    ) {
      assert.isUndefined(flask.decodeRememberCookie(value, "s3cret"), value)
    }
  })

  it("session cookie: canonical base64url parts only; timestamps of 1 to 6 bytes; up to 4096 characters", () => {
    const now = 1_000_000_000
    const options = { secretKey: "s3cret", maxAgeMillis: undefined, now }
    // Node's decoder skips the "!": the signature is valid, the spelling is not.
    assert.isUndefined(flask.decodeSessionCookie(sign(`${json({ x: 1 })}!`, now / 1000, "s3cret"), options))
    const withTimestamp = (bytes: Buffer, payload = json({ x: 1 })) => {
      const signed = `${payload}.${bytes.toString("base64url")}`
      const key = crypto.createHmac("sha1", "s3cret").update("cookie-session").digest()
      return `${signed}.${crypto.createHmac("sha1", key).update(signed).digest("base64url")}`
    }
    const six = Buffer.alloc(6)
    six.writeUIntBE(now / 1000, 0, 6)
    assert.deepStrictEqual(flask.decodeSessionCookie(withTimestamp(six), options), { data: { x: 1 }, signedAt: now })
    assert.isUndefined(flask.decodeSessionCookie(withTimestamp(Buffer.concat([Buffer.alloc(1), six])), options))
    // "A" decodes to no byte at all: no time, refused (never a RangeError).
    const noTime = `${json({ x: 1 })}.A`
    const key = crypto.createHmac("sha1", "s3cret").update("cookie-session").digest()
    assert.isUndefined(
      flask.decodeSessionCookie(
        `${noTime}.${crypto.createHmac("sha1", key).update(noTime).digest("base64url")}`,
        options
      )
    )
    for (const value of ["abc.def", ".x.y", "x"]) assert.isUndefined(flask.decodeSessionCookie(value, options), value)
    // Base64 skips some lengths: a 4- or 5-byte timestamp reaches each.
    const sized = (length: number) => {
      for (const width of [4, 5]) {
        const timestamp = Buffer.alloc(width)
        timestamp.writeUIntBE(now / 1000, 0, width)
        for (let n = 3_000; n < 3_100; n++) {
          const value = withTimestamp(timestamp, json({ pad: "x".repeat(n) }))
          if (value.length === length) return value
        }
      }
      return assert.fail(`no value of ${length} characters`)
    }
    assert.isDefined(flask.decodeSessionCookie(sized(4096), options))
    assert.isUndefined(flask.decodeSessionCookie(sized(4097), options))
  })

  it("session cookie: the age and the clock skew are limits, inclusive", () => {
    const signedAt = 1_000_000_000
    const cookie = sign(json({ x: 1 }), signedAt / 1000, "s3cret")
    const at = (now: number) => flask.decodeSessionCookie(cookie, { secretKey: "s3cret", maxAgeMillis: 60_000, now })
    assert.isDefined(at(signedAt + 60_000))
    assert.isUndefined(at(signedAt + 60_001))
    assert.isDefined(at(signedAt - flask.maxClockSkewMillis))
    assert.isUndefined(at(signedAt - flask.maxClockSkewMillis - 1))
  })

  it("session cookie: a payload that inflates past 64 KB, or is no object, is refused", () => {
    const now = 1_000_000_000
    const options = { secretKey: "s3cret", maxAgeMillis: undefined, now }
    const bomb = deflateSync(JSON.stringify({ x: "x".repeat(100_000) })).toString("base64url")
    assert.isBelow(bomb.length, 1_000)
    assert.isUndefined(flask.decodeSessionCookie(sign(`.${bomb}`, now / 1000, "s3cret"), options))
    for (const value of [null, [1], 1, "s", true]) {
      assert.isUndefined(flask.decodeSessionCookie(sign(json(value), now / 1000, "s3cret"), options), String(value))
    }
  })

  it("session cookie: Flask's tags untagged, null kept, a one-key dict's suffix removed (TagDict)", () => {
    const now = 1_000_000_000
    const tagged = {
      n: null,
      b: { " b": "aGk=" },
      m: { " m": "<b>x</b>" },
      u: { " u": "12345678-1234-5678-1234-567812345678" },
      d: { " d": "Thu, 01 Jan 1970 00:00:00 GMT" },
      l: { " l": [{ " t": [1] }] },
      di: { " di": { " t__": { " t": [1, 2] } } },
      two: { " t": [1], x: 2 },
      dd: { " di": { " di__": 1 } },
      odd: { " di": [1] },
      none: { " di": null }
    }
    const decoded = flask.decodeSessionCookie(sign(json(tagged), now / 1000, "s3cret"), {
      secretKey: "s3cret",
      maxAgeMillis: undefined,
      now
    })
    assert.deepStrictEqual(decoded?.data, {
      n: null,
      b: "aGk=",
      m: "<b>x</b>",
      u: "12345678-1234-5678-1234-567812345678",
      d: "Thu, 01 Jan 1970 00:00:00 GMT",
      l: [[1]],
      di: { " t": [1, 2] },
      two: { " t": [1], x: 2 },
      dd: { " di": 1 },
      odd: [1],
      none: null
    })
  })

  it("migration: what a Flask session carries, and nothing it does not", () => {
    const now = 5_000_000
    const migrate = (data: unknown) => flask.session(sign(json(data), now / 1000, "s3cret"), settings, now)
    const bare = migrate({ _fresh: true, _id: 7, next: 1, _flashes: "x" })!
    assert.deepStrictEqual(Object.keys(bare.data).sort(), ["id", "issuedAt"])
    assert.isUndefined(bare.flaskClient)
    assert.isUndefined(migrate({ _user_id: true })!.data.userId)
    const named = migrate({
      _user_id: "abc",
      _fresh: false,
      _flashes: [["info", "hi"], ["bad"], [1, "x"], ["x", 2], "s", ["a", "b", "c"]]
    })!
    assert.deepStrictEqual(named.data.flashes, [["info", "hi"]])
    assert.strictEqual(named.data.userId, "abc")
    assert.strictEqual(named.data.fresh, false)
    assert.isFalse("freshAt" in named.data)
    assert.isUndefined(flask.session("not a flask cookie", settings, now))
  })

  it("the user's stamp is the Flask era's: unless none was recorded, or the app keeps none", () => {
    assert.isTrue(flask.stampUnchanged({}, "s"))
    assert.isTrue(flask.stampUnchanged({ stampAtMigration: "s" }, undefined))
    assert.isTrue(flask.stampUnchanged({ stampAtMigration: "s" }, "s"))
    assert.isFalse(flask.stampUnchanged({ stampAtMigration: "s" }, "t"))
    assert.isFalse(flask.stampUnchanged({ stampAtMigration: "s" }, "s2"))
  })

  it("protects against the client Flask-Login 0.6 recorded: the first X-Forwarded-For entry, the bytes' repr", () => {
    const sha512 = (text: string) => crypto.createHash("sha512").update(text).digest("hex")
    const request = (headers: Record<string, string>) => ({
      headers,
      remoteAddress: { _tag: "Some", value: "10.0.0.1" } as const
    })
    const proxied = request({ "user-agent": "ua", "x-forwarded-for": " 203.0.113.7 , 10.0.0.2" })
    assert.strictEqual(flask.protect("strong", sha512("b'203.0.113.7'|b'ua'"), proxied), "Keep")
    assert.strictEqual(flask.protect("strong", sha512("10.0.0.1|ua"), proxied), "Keep")
    assert.strictEqual(flask.protect("strong", sha512("b'10.0.0.1'|b'ua'"), proxied), "End")
    const anonymous = request({})
    assert.strictEqual(flask.protect("strong", sha512("b'10.0.0.1'|None"), anonymous), "Keep")
    assert.strictEqual(flask.protect("strong", sha512("10.0.0.1|"), anonymous), "Keep")
    assert.strictEqual(flask.protect("strong", sha512("b'10.0.0.1'|b''"), anonymous), "End")
  })
})
