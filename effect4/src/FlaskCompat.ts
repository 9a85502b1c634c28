/**
 * Reading the cookies of a Flask app, so that users stay logged in across a
 * migration from Flask-Login: its remember cookie (`id|hex(HMAC-SHA512)`) and
 * Flask's session cookie (itsdangerous, salt `cookie-session`, HMAC-SHA1,
 * optionally zlib-compressed), both signed with the Flask app's SECRET_KEY.
 *
 * Read-only and opt-in (`LoginManager` option `flaskCompat`): a Flask cookie
 * is verified, then replaced by this library's own cookie on the same
 * response. Flask's cookies carry no expiry of their own (remember) and no
 * revocation stamp, so they are accepted only until a cut-off date (`until`),
 * only for users whose security stamp is still the one they had under Flask
 * (`stampAtMigration`), and a Flask session must pass session protection
 * against the client identifier Flask-Login recorded in it.
 *
 * @since 0.2.0
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { inflateSync } from "node:zlib"
import * as crypto from "../../src/internal/crypto.js"

/**
 * Where to find the Flask app's cookies and how to verify them.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** The Flask app's SECRET_KEY (any length: it is only used to verify). */
  readonly secretKey: Redacted.Redacted
  /**
   * From this date, Flask cookies are refused: a migration is a window, not a
   * permanent second way in. Required; a few weeks after the switch is typical.
   */
  readonly until: Date
  /**
   * The security stamp users had while the Flask app issued its cookies (the
   * initial value of your stamps). A user whose stamp is no longer this one
   * (a password change, "log out everywhere") gets none of their Flask
   * cookies accepted. Without it, only `until` ends them.
   */
  readonly stampAtMigration?: string | undefined
  /** Flask sessions older than this are refused. Default 31 days (Flask's PERMANENT_SESSION_LIFETIME). */
  readonly sessionMaxAge?: Duration.Input | undefined
}

/**
 * How far in the future a Flask session may say it was signed: clocks of two
 * servers disagree a little, never by more.
 *
 * @since 0.2.0
 * @category constants
 */
export const maxClockSkewMillis = 60_000

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
 * @since 0.2.0
 * @category decoding
 */
export const decodeRememberCookie = (value: string, secretKey: Redacted.Redacted): Option.Option<string> => {
  const cookie = value.length > 4096 ? undefined : unquote(value)
  const key = latin1(Redacted.value(secretKey))
  if (cookie === undefined || key === undefined) return Option.none()
  const bar = cookie.lastIndexOf("|")
  const digest = cookie.slice(bar + 1)
  if (bar < 0 || !/^[0-9a-f]{128}$/.test(digest)) return Option.none()
  const payload = cookie.slice(0, bar)
  const expected = crypto.hmac("sha512", key, Buffer.from(payload, "utf8"))
  return crypto.timingSafeEqual(expected, Buffer.from(digest, "hex")) ? Option.some(payload) : Option.none()
}

/**
 * Flask-Login's `encode_cookie`, for tests and for tools that need to make
 * the old format (this library never writes it).
 *
 * @since 0.2.0
 * @category encoding
 */
export const encodeRememberCookie = (userId: string, secretKey: Redacted.Redacted): string => {
  const key = latin1(Redacted.value(secretKey))
  if (key === undefined) throw new RangeError("Flask-Login encodes SECRET_KEY as latin-1")
  return `${userId}|${crypto.hmac("sha512", key, Buffer.from(userId, "utf8")).toString("hex")}`
}

/**
 * A decoded Flask session: its keys as Flask stored them (`_user_id`,
 * `_fresh`, `_id`, `_flashes`, the application's own), and when it was signed.
 *
 * @since 0.2.0
 * @category models
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
      case " di":
        return untag(inner)
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
 * salt `cookie-session`, HMAC key derivation, SHA-1).
 *
 * @since 0.2.0
 * @category decoding
 */
export const decodeSessionCookie = (
  value: string,
  options: Pick<Options, "secretKey" | "sessionMaxAge"> & { readonly now: number }
): Option.Option<FlaskSession> => {
  if (value.length > 4096) return Option.none()
  const last = value.lastIndexOf(".")
  const middle = value.lastIndexOf(".", last - 1)
  if (middle <= 0) return Option.none()
  const signed = value.slice(0, last)
  const signature = value.slice(last + 1)
  const timestamp = value.slice(middle + 1, last)
  const compressed = value.startsWith(".")
  const payload = value.slice(compressed ? 1 : 0, middle)
  if (![signature, timestamp, payload].every((part) => base64url.test(part))) return Option.none()
  const key = crypto.hmac("sha1", Buffer.from(Redacted.value(options.secretKey), "utf8"), "cookie-session")
  const expected = crypto.hmac("sha1", key, signed)
  if (!crypto.timingSafeEqual(Buffer.from(expected.toString("base64url")), Buffer.from(signature))) {
    return Option.none()
  }
  const seconds = Buffer.from(timestamp, "base64url")
  if (seconds.length === 0 || seconds.length > 6) return Option.none()
  const signedAt = seconds.readUIntBE(0, seconds.length) * 1000
  const maxAge = Duration.toMillis(options.sessionMaxAge ?? "31 days")
  // Too old, or signed in the future: a forged clock would make a session fresh for years.
  if (options.now - signedAt > maxAge || signedAt - options.now > maxClockSkewMillis) return Option.none()
  try {
    const bytes = Buffer.from(payload, "base64url")
    const json = (compressed ? inflateSync(bytes, { maxOutputLength: 64 * 1024 }) : bytes).toString("utf8")
    const data = untag(JSON.parse(json))
    if (data === null || typeof data !== "object" || Array.isArray(data)) return Option.none()
    return Option.some({ data: data as Record<string, unknown>, signedAt })
  } catch {
    // A valid signature over an undecodable payload: not a session we can read.
    return Option.none()
  }
}
