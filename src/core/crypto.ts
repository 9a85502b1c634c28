/**
 * The only module that touches `node:crypto`.
 *
 * Everything here is synchronous on purpose: for cookie-sized payloads the
 * synchronous `node:crypto` primitives are 5–10× faster than Web Crypto, whose
 * every call pays a promise and a thread-pool round trip. Keys are derived once,
 * when the Layer is built, never on the request path.
 *
 * @internal
 */
import * as crypto from "node:crypto"

/**
 * Derives an independent 32-byte key for one purpose from an application
 * secret, so that the session cookie, the remember cookie and the encryption
 * key never share key material (HKDF, RFC 5869).
 *
 * @internal
 */
export const deriveKey = (secret: string, purpose: string): Buffer =>
  Buffer.from(crypto.hkdfSync("sha256", Buffer.from(secret, "utf8"), "effect-login", purpose, 32))

/** @internal */
export const hmacSha256 = (key: Buffer, data: string): Buffer => crypto.createHmac("sha256", key).update(data).digest()

/**
 * Flask's algorithms, for reading (never writing) cookies signed by a Flask
 * app: HMAC-SHA512 (Flask-Login's remember cookie) and HMAC-SHA1
 * (itsdangerous, Flask's session cookie).
 *
 * @internal
 */
export const hmac = (algorithm: "sha1" | "sha512", key: Uint8Array, data: Uint8Array | string): Buffer =>
  crypto.createHmac(algorithm, key).update(data).digest()

/** @internal */
export const sha256 = (data: string | Uint8Array): Buffer => crypto.createHash("sha256").update(data).digest()

/**
 * SHA-1 in hex, for the user tag only (src/core/userTag.ts): Redis' Lua has
 * `redis.sha1hex` and no SHA-256. Nothing secret or verified depends on it.
 *
 * @internal
 */
export const sha1Hex = (data: string): string => crypto.createHash("sha1").update(data, "utf8").digest("hex")

/**
 * SHA-512 in hex, as Flask-Login's session identifier is.
 *
 * @internal
 */
export const sha512Hex = (data: string): string => crypto.createHash("sha512").update(data, "utf8").digest("hex")

/**
 * Compares two MACs in constant time. `timingSafeEqual` throws on a length
 * mismatch, and the length of a MAC is not a secret, so it is checked first.
 *
 * @internal
 */
export const timingSafeEqual = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && crypto.timingSafeEqual(a, b)

const IV_BYTES = 12
const TAG_BYTES = 16

/**
 * AES-256-GCM with a fresh random 96-bit IV per message. The output is
 * `iv | ciphertext | tag`; `aad` binds the ciphertext to its purpose so that
 * one kind of cookie cannot be replayed as another.
 *
 * @internal
 */
export const seal = (key: Buffer, plaintext: Buffer, aad: Buffer): Buffer => {
  const iv = crypto.randomBytes(IV_BYTES)
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv)
  cipher.setAAD(aad)
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return Buffer.concat([iv, body, cipher.getAuthTag()])
}

/**
 * The inverse of {@link seal}; `undefined` when the message was not sealed by
 * this key (wrong key, tampered, truncated).
 *
 * @internal
 */
export const open = (key: Buffer, sealed: Buffer, aad: Buffer): Buffer | undefined => {
  if (sealed.length < IV_BYTES + TAG_BYTES) return undefined
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, sealed.subarray(0, IV_BYTES))
  decipher.setAAD(aad)
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()])
  } catch {
    // `final` throws when the authentication tag does not match.
    return undefined
  }
}

// Drawn from the CSPRNG 4 KB at a time, each byte used once: one call into OpenSSL for a
// hundred session ids rather than one each (as Node's own `randomUUID` does with its cache).
const pool = Buffer.alloc(4096)
let poolOffset = pool.length

/**
 * A random token from the operating system's CSPRNG, base64url-encoded.
 * (`effect/Random` is a seeded PRNG and must never be used for tokens.)
 *
 * @internal
 */
export const randomToken = (bytes: number): string => {
  if (bytes > pool.length) return crypto.randomBytes(bytes).toString("base64url")
  if (poolOffset + bytes > pool.length) {
    crypto.randomFillSync(pool)
    poolOffset = 0
  }
  const token = pool.toString("base64url", poolOffset, poolOffset + bytes)
  poolOffset += bytes
  return token
}
