/**
 * Signed and sealed values that name their key: `kid.payload.mac` (HMAC-SHA256)
 * or `kid.sealed` (AES-256-GCM). The key id lets a value be checked against
 * exactly one key, however many previous keys are still accepted (rotation),
 * and tells which values a retired key made.
 *
 * @internal
 */
import * as crypto from "./crypto.js"

/** @internal */
export interface Signer {
  /** Signs (or seals) a UTF-8 payload. */
  readonly sign: (payload: string) => string
  /** The payload, and whether it was made by a previous key; `undefined` when not made by any of our keys. */
  readonly verify: (value: string) => Verified | undefined
}

/** @internal */
export interface Verified {
  readonly payload: string
  readonly stale: boolean
}

interface Key {
  readonly id: string
  readonly secret: Buffer
  readonly stale: boolean
}

// A 32-byte MAC is 43 base64url characters; the last one carries 2 unused bits, which
// Node's decoder ignores. Only the canonical spelling (unused bits zero) is accepted.
const canonicalMac = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/
const base64url = /^[A-Za-z0-9_-]+$/

const deriveKeys = (secrets: ReadonlyArray<string>, purpose: string): ReadonlyArray<Key> =>
  secrets.map((secret, i) => {
    const derived = crypto.deriveKey(secret, purpose)
    // Public and stable: a hash of the derived key, which reveals nothing about it.
    const id = crypto.sha256(derived).subarray(0, 6).toString("base64url")
    return { id, secret: derived, stale: i > 0 }
  })

const findKey = (keys: ReadonlyArray<Key>, id: string): Key | undefined => {
  for (const key of keys) if (key.id === id) return key
  return undefined
}

/**
 * Signs with the first secret, verifies with any of them.
 *
 * @internal
 */
export const hmac = (secrets: ReadonlyArray<string>, purpose: string): Signer => {
  const keys = deriveKeys(secrets, `${purpose}/hmac-sha256`)
  const current = keys[0]!
  return {
    sign: (payload) => {
      const body = `${current.id}.${Buffer.from(payload, "utf8").toString("base64url")}`
      return `${body}.${crypto.hmacSha256(current.secret, body).toString("base64url")}`
    },
    verify: (value) => {
      const first = value.indexOf(".")
      const last = value.lastIndexOf(".")
      // Stryker disable next-line LogicalOperator: redundant with the checks below (no dot: no key id; one dot: no payload)
      if (first < 0 || first === last) return undefined
      const key = findKey(keys, value.slice(0, first))
      const body = value.slice(0, last)
      const macText = value.slice(last + 1)
      if (key === undefined || !canonicalMac.test(macText) || !base64url.test(body.slice(first + 1))) return undefined
      if (!crypto.timingSafeEqual(crypto.hmacSha256(key.secret, body), Buffer.from(macText, "base64url"))) {
        return undefined
      }
      return { payload: Buffer.from(body.slice(first + 1), "base64url").toString("utf8"), stale: key.stale }
    }
  }
}

/**
 * Encrypts with the first secret, decrypts with any of them. The purpose is
 * authenticated too, so a value sealed for one purpose opens for no other.
 *
 * @internal
 */
export const aesGcm = (secrets: ReadonlyArray<string>, purpose: string): Signer => {
  const keys = deriveKeys(secrets, `${purpose}/aes-256-gcm`)
  const current = keys[0]!
  const aad = Buffer.from(`effect-login/${purpose}`)
  return {
    sign: (payload) =>
      `${current.id}.${crypto.seal(current.secret, Buffer.from(payload, "utf8"), aad).toString("base64url")}`,
    verify: (value) => {
      const dot = value.indexOf(".")
      if (dot < 0) return undefined
      const key = findKey(keys, value.slice(0, dot))
      const sealedText = value.slice(dot + 1)
      if (key === undefined || !base64url.test(sealedText)) return undefined
      const sealed = Buffer.from(sealedText, "base64url")
      // Node's base64url decoder ignores stray bits; only the canonical spelling is ours.
      if (sealed.toString("base64url") !== sealedText) return undefined
      const plaintext = crypto.open(key.secret, sealed, aad)
      return plaintext === undefined ? undefined : { payload: plaintext.toString("utf8"), stale: key.stale }
    }
  }
}
