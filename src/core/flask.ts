/**
 * Flask's cookies and what a migration from Flask-Login decides, shared by
 * both lines (no Effect): verifying and decoding Flask-Login's remember cookie
 * (`id|hex(HMAC-SHA512)`) and Flask's session cookie (itsdangerous, salt
 * `cookie-session`, HMAC-SHA1, optionally zlib-compressed), making the former
 * (for tests and tools), and, for `flaskCompat`: whether the migration window
 * is open, whether a user's stamp is still the one of the Flask era, session
 * protection against the client Flask-Login recorded, and a Flask session
 * read as one of ours. Secrets come as plain strings; each line's FlaskCompat
 * and flaskMigration modules unwrap their `Redacted` and `Duration` options.
 *
 * @internal
 */
import { inflateSync } from "node:zlib"
import * as crypto from "./crypto.js"
import { newId, type SessionData } from "./sessionData.js"
import { type ClientRequest, type Mode, peerOf } from "./sessionProtection.js"

/**
 * How far in the future a Flask session may say it was signed: clocks of two
 * servers disagree a little, never by more.
 *
 * @internal
 */
export const maxClockSkewMillis = 60_000

/**
 * Flask's PERMANENT_SESSION_LIFETIME: Flask sessions older than this are refused by default.
 *
 * @internal
 */
export const defaultSessionMaxAgeMillis = 31 * 24 * 60 * 60 * 1000

// Werkzeug quotes cookie values with non-token characters and escapes the
// UTF-8 bytes in octal (`"u/\303\261|…"`); browsers echo the quoted form back.
const unquote = (value: string): string | undefined => {
  if (!(value.length >= 2 && value.startsWith("\"") && value.endsWith("\""))) return value
  const bytes: Array<number> = []
  const inner = value.slice(1, -1)
  for (let i = 0; i < inner.length; i++) {
    const char = inner[i]!
    if (char === "\\") {
      const octal = inner.slice(i + 1, i + 4)
      if (/^[0-3][0-7]{2}$/.test(octal)) {
        bytes.push(parseInt(octal, 8))
        i += 3
      } else if (i + 1 < inner.length) {
        bytes.push(inner.charCodeAt(++i))
      } else return undefined
    } else {
      const code = char.charCodeAt(0)
      if (code > 0x7f) return undefined
      bytes.push(code)
    }
  }
  const decoded = Buffer.from(bytes).toString("utf8")
  return decoded.includes("\ufffd") ? undefined : decoded
}

// Flask-Login encodes a str SECRET_KEY as latin-1 for the remember cookie.
const latin1 = (secret: string): Buffer | undefined =>
  /^[\u0000-\u00ff]*$/.test(secret) ? Buffer.from(secret, "latin1") : undefined

/**
 * The user id of a Flask-Login remember cookie, when it was signed with
 * `secretKey`. Unlike Flask-Login, a non-ASCII digest is "invalid", not a 500.
 *
 * @internal
 */
export const decodeRememberCookie = (value: string, secretKey: string): string | undefined => {
  const cookie = value.length > 4096 ? undefined : unquote(value)
  const key = latin1(secretKey)
  if (cookie === undefined || key === undefined) return undefined
  const bar = cookie.lastIndexOf("|")
  const digest = cookie.slice(bar + 1)
  if (bar < 0 || !/^[0-9a-f]{128}$/.test(digest)) return undefined
  const payload = cookie.slice(0, bar)
  const expected = crypto.hmac("sha512", key, Buffer.from(payload, "utf8"))
  return crypto.timingSafeEqual(expected, Buffer.from(digest, "hex")) ? payload : undefined
}

/**
 * Flask-Login's `encode_cookie`. Throws a `RangeError` for a secret that is not latin-1.
 *
 * @internal
 */
export const encodeRememberCookie = (userId: string, secretKey: string): string => {
  const key = latin1(secretKey)
  if (key === undefined) throw new RangeError("Flask-Login encodes SECRET_KEY as latin-1")
  return `${userId}|${crypto.hmac("sha512", key, Buffer.from(userId, "utf8")).toString("hex")}`
}

/**
 * A decoded Flask session (each line's `FlaskCompat.FlaskSession`).
 *
 * @internal
 */
export interface FlaskSession {
  readonly data: Readonly<Record<string, unknown>>
  /** Epoch milliseconds. */
  readonly signedAt: number
}

// Flask's TaggedJSONSerializer: `{" t": [...]}` is a tuple, `{" di": {...}}` a dict
// whose key looks like a tag, and so on. Values come back as plain JSON.
const untag = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(untag)
  if (value === null || typeof value !== "object") return value
  const entries = Object.entries(value)
  if (entries.length === 1) {
    const [tag, inner] = entries[0]!
    switch (tag) {
      case " t":
      case " l":
        return Array.isArray(inner) ? inner.map(untag) : inner
      case " di": {
        // A dict whose only key looks like a tag: Flask's TagDict wrote that key with a "__" suffix.
        const dict = untag(inner)
        return dict !== null && typeof dict === "object" && !Array.isArray(dict)
          ? Object.fromEntries(Object.entries(dict).map(([key, value]) => [key.slice(0, -2), value]))
          : dict
      }
      case " b":
      case " m":
      case " u":
      case " d":
        return inner
    }
  }
  return Object.fromEntries(entries.map(([key, inner]) => [key, untag(inner)]))
}

const base64url = /^[A-Za-z0-9_-]+$/

/**
 * Verifies and decodes a Flask session cookie (`URLSafeTimedSerializer`,
 * salt `cookie-session`, HMAC key derivation, SHA-1); `undefined` when it is
 * not one signed with `secretKey`, too old, or signed in the future.
 *
 * @internal
 */
export const decodeSessionCookie = (
  value: string,
  options: { readonly secretKey: string; readonly maxAgeMillis: number | undefined; readonly now: number }
): FlaskSession | undefined => {
  if (value.length > 4096) return undefined
  const last = value.lastIndexOf(".")
  const middle = value.lastIndexOf(".", last - 1)
  if (middle <= 0) return undefined
  const signed = value.slice(0, last)
  const signature = value.slice(last + 1)
  const timestamp = value.slice(middle + 1, last)
  const compressed = value.startsWith(".")
  const payload = value.slice(compressed ? 1 : 0, middle)
  if (![signature, timestamp, payload].every((part) => base64url.test(part))) return undefined
  const key = crypto.hmac("sha1", Buffer.from(options.secretKey, "utf8"), "cookie-session")
  const expected = crypto.hmac("sha1", key, signed)
  if (!crypto.timingSafeEqual(Buffer.from(expected.toString("base64url")), Buffer.from(signature))) {
    return undefined
  }
  const seconds = Buffer.from(timestamp, "base64url")
  if (seconds.length === 0 || seconds.length > 6) return undefined
  const signedAt = seconds.readUIntBE(0, seconds.length) * 1000
  const maxAge = options.maxAgeMillis ?? defaultSessionMaxAgeMillis
  // Too old, or signed in the future: a forged clock would make a session fresh for years.
  if (options.now - signedAt > maxAge || signedAt - options.now > maxClockSkewMillis) return undefined
  try {
    const bytes = Buffer.from(payload, "base64url")
    const json = (compressed ? inflateSync(bytes, { maxOutputLength: 64 * 1024 }) : bytes).toString("utf8")
    const data = untag(JSON.parse(json))
    if (data === null || typeof data !== "object" || Array.isArray(data)) return undefined
    return { data: data as Record<string, unknown>, signedAt }
  } catch {
    // A valid signature over an undecodable payload: not a session we can read.
    return undefined
  }
}

/**
 * `flaskCompat`, its secret and durations unwrapped by the line.
 *
 * @internal
 */
export interface Settings {
  readonly secretKey: string
  readonly until: Date
  readonly stampAtMigration?: string | undefined
  readonly sessionMaxAgeMillis: number | undefined
}

/**
 * Flask cookies are accepted until the cut-off date only.
 *
 * @internal
 */
export const isOpen = (options: { readonly until: Date }, now: number): boolean => now < options.until.getTime()

/**
 * The user id of a Flask-Login remember cookie, when it is one.
 *
 * @internal
 */
export const rememberedUserId = (raw: string, settings: Settings, now: number): string | undefined =>
  isOpen(settings, now) ? decodeRememberCookie(raw, settings.secretKey) : undefined

/**
 * The user's stamp is still the one of the Flask era: nothing revoked their Flask cookies since.
 *
 * @internal
 */
export const stampUnchanged = (
  options: { readonly stampAtMigration?: string | undefined },
  stamp: string | undefined
): boolean =>
  options.stampAtMigration === undefined || stamp === undefined ||
  crypto.timingSafeEqual(Buffer.from(stamp), Buffer.from(options.stampAtMigration))

/**
 * Session protection for a Flask session: Flask-Login recorded its client
 * identifier (`_id`, a SHA-512 of address and User-Agent, computed as 0.6
 * does, or as its main branch does); a session restored from a remember
 * cookie has none, and is bound to its first client like one of ours.
 *
 * @internal
 */
export const protect = (
  mode: Mode,
  flaskClient: string | undefined,
  request: ClientRequest
): "Keep" | "Stale" | "End" => {
  if (mode === "off" || flaskClient === undefined) return "Keep"
  const presented = Buffer.from(flaskClient.toLowerCase())
  const same = flaskIdentifiers(request).some((candidate) => crypto.timingSafeEqual(Buffer.from(candidate), presented))
  return same ? "Keep" : mode === "basic" ? "Stale" : "End"
}

const flaskIdentifiers = (request: ClientRequest): ReadonlyArray<string> => {
  const peer = peerOf(request)
  const userAgent = request.headers["user-agent"]
  // 0.6: the first X-Forwarded-For entry when there is one, and the bytes' Python repr.
  const forwarded = request.headers["x-forwarded-for"]?.split(",")[0]?.trim()
  const bytes = (text: string) => `b'${text}'`
  const v06 = `${bytes(forwarded ?? peer)}|${userAgent === undefined ? "None" : bytes(userAgent)}`
  // main: the peer's address and the User-Agent, plainly.
  const main = `${peer}|${userAgent ?? ""}`
  return [v06, main].map((base) => crypto.sha512Hex(base))
}

/**
 * A Flask session, as a session of ours: its login keys, flashes and `next`;
 * its other keys as the application's data. `undefined` when `raw` is not a
 * valid Flask session.
 *
 * @internal
 */
export const session = (raw: string, settings: Settings, now: number): Migrated | undefined => {
  if (!isOpen(settings, now)) return undefined
  const flask = decodeSessionCookie(raw, {
    secretKey: settings.secretKey,
    maxAgeMillis: settings.sessionMaxAgeMillis,
    now
  })
  if (flask === undefined) return undefined
  const { _flashes, _fresh, _id, _remember, _remember_seconds, _user_id, next, ...data } = flask.data
  const userId = typeof _user_id === "string" || typeof _user_id === "number" ? String(_user_id) : undefined
  const flashes = Array.isArray(_flashes)
    ? _flashes.filter((f): f is [string, string] =>
      Array.isArray(f) && f.length === 2 && typeof f[0] === "string" && typeof f[1] === "string"
    )
    : []
  return {
    data: {
      id: newId(),
      ...(userId === undefined ? {} : { userId, fresh: _fresh === true }),
      ...(userId !== undefined && _fresh === true ? { freshAt: flask.signedAt } : {}),
      ...(typeof next === "string" ? { next } : {}),
      ...(Object.keys(data).length > 0 ? { data } : {}),
      ...(flashes.length > 0 ? { flashes } : {}),
      issuedAt: now
    },
    flaskClient: typeof _id === "string" ? _id : undefined
  }
}

/**
 * A Flask session taken in: as a session of ours, and the client Flask-Login recorded.
 *
 * @internal
 */
export interface Migrated {
  readonly data: SessionData
  readonly flaskClient: string | undefined
}
