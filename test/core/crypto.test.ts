/**
 * The primitives under the codecs, against known answers computed elsewhere: HKDF-SHA256 as the keys are
 * derived (salt "effect-login", the purpose as info, 32 bytes; the expected values come from a separate
 * Python implementation of RFC 5869), HMAC-SHA256 (RFC 4231), SHA-256 (FIPS 180-2), and AES-256-GCM
 * sealing that refuses any change.
 */
import { assert, describe, it } from "@effect/vitest"
import * as crypto from "../../src/core/crypto.js"

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")

describe("deriveKey (HKDF-SHA256)", () => {
  it("matches the known answers: salt, info and length are where they belong", () => {
    const secret = "test-secret-key-0123456789abcdefghijkl"
    assert.strictEqual(
      hex(crypto.deriveKey(secret, "security-stamp/hmac-sha256")),
      "02bd9ad8be53d6de977c481903f7af093c38668be85e5cfe220b1084281f6949"
    )
    assert.strictEqual(
      hex(crypto.deriveKey(secret, "anonymous-session")),
      "195ebce7de496eba4bdff8ce39336654862c61797c981a20a7a8f936f5ad351b"
    )
  })

  it("reads the secret as UTF-8", () => {
    assert.strictEqual(
      hex(crypto.deriveKey("秘密-0123456789abcdefghijklmnopqrstuv", "security-stamp/hmac-sha256")),
      "b13d4fb52cd33b17fd6ddd2ef720800a72bb8b6337e19a9d62bc0ee89d9ff2aa"
    )
  })
})

describe("hmacSha256, sha256, timingSafeEqual", () => {
  it("HMAC-SHA256: RFC 4231, test case 2", () => {
    assert.strictEqual(
      hex(crypto.hmacSha256(Buffer.from("Jefe"), "what do ya want for nothing?")),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
  })

  it("SHA-256 of \"abc\"", () => {
    assert.strictEqual(hex(crypto.sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  })

  it("timingSafeEqual: equal, different, and different lengths (false, never a throw)", () => {
    assert.isTrue(crypto.timingSafeEqual(Buffer.from("abc"), Buffer.from("abc")))
    assert.isFalse(crypto.timingSafeEqual(Buffer.from("abc"), Buffer.from("abd")))
    assert.isFalse(crypto.timingSafeEqual(Buffer.from("abc"), Buffer.from("abcd")))
    assert.isFalse(crypto.timingSafeEqual(Buffer.alloc(0), Buffer.from("a")))
  })
})

describe("seal / open (AES-256-GCM)", () => {
  const key = crypto.deriveKey("test-secret-key-0123456789abcdefghijkl", "session/aes-256-gcm")
  const aad = Buffer.from("session")

  it("opens the GCM specification's test case 16 (256-bit key, 96-bit IV, with AAD)", () => {
    const sealed = Buffer.from(
      "cafebabefacedbaddecaf888" +
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662" +
        "76fc6ece0f4e1768cddf8853bb2d551b",
      "hex"
    )
    const opened = crypto.open(
      Buffer.from("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "hex"),
      sealed,
      Buffer.from("feedfacedeadbeeffeedfacedeadbeefabaddad2", "hex")
    )
    assert.strictEqual(
      opened === undefined ? undefined : hex(opened),
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
    )
  })

  it("round-trips, with a fresh IV each time", () => {
    const a = crypto.seal(key, Buffer.from("hello"), aad)
    const b = crypto.seal(key, Buffer.from("hello"), aad)
    assert.notStrictEqual(hex(a), hex(b))
    assert.strictEqual(crypto.open(key, a, aad)?.toString(), "hello")
    assert.strictEqual(crypto.open(key, b, aad)?.toString(), "hello")
  })

  it("refuses any changed byte, another AAD, another key, and anything too short", () => {
    const sealed = crypto.seal(key, Buffer.from("hello"), aad)
    for (let i = 0; i < sealed.length; i++) {
      const changed = Buffer.from(sealed)
      changed[i] = changed[i]! ^ 1
      assert.isUndefined(crypto.open(key, changed, aad), `byte ${i}`)
    }
    assert.isUndefined(crypto.open(key, sealed, Buffer.from("remember")))
    assert.isUndefined(
      crypto.open(crypto.deriveKey("another-secret-0123456789abcdefghijklm", "session/aes-256-gcm"), sealed, aad)
    )
    assert.isUndefined(crypto.open(key, sealed.subarray(0, 27), aad))
  })

  it("anything shorter than IV and tag (28 bytes) is refused, never a throw, even an empty message", () => {
    const sealed = crypto.seal(key, Buffer.from("hello"), aad)
    for (let length = 0; length < 28; length++) {
      assert.isUndefined(crypto.open(key, sealed.subarray(0, length), aad), `length ${length}`)
    }
  })
})

describe("sha512Hex, randomToken, and the shortest sealed message", () => {
  it("SHA-512 of \"abc\" (FIPS 180-2), in hex", () => {
    assert.strictEqual(
      crypto.sha512Hex("abc"),
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a" +
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
    )
  })

  it("randomToken: the asked number of random bytes, base64url, never twice the same, across pool refills", () => {
    const seen = new Set<string>()
    // Enough draws to go through the pool several times, and sizes larger than the pool.
    for (let i = 0; i < 2_000; i++) {
      const bytes = [16, 32, 33, 5_000][i % 4]!
      const token = crypto.randomToken(bytes)
      assert.match(token, /^[\w-]+$/)
      assert.strictEqual(Buffer.from(token, "base64url").length, bytes)
      seen.add(token)
    }
    assert.strictEqual(seen.size, 2_000)
  })

  it("an empty message seals to IV and tag only (28 bytes), and opens", () => {
    const key = crypto.deriveKey("test-secret-key-0123456789abcdefghijkl", "session/aes-256-gcm")
    const sealed = crypto.seal(key, Buffer.alloc(0), Buffer.from("session"))
    assert.strictEqual(sealed.length, 28)
    assert.strictEqual(crypto.open(key, sealed, Buffer.from("session"))?.length, 0)
  })
})
