/**
 * The stateless session cookie: what a session holds, and how it is signed
 * (HMAC-SHA256) or encrypted (AES-256-GCM) into a cookie value and back.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as crypto from "./internal/crypto.js"

/**
 * A flashed message: `[category, message]`, as Flask's `get_flashed_messages(with_categories=True)`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Flash = Schema.Tuple(Schema.String, Schema.String)

/**
 * @since 0.1.0
 * @category models
 */
export type Flash = typeof Flash.Type

/**
 * Everything a session holds. The login keys (`userId`, `fresh`) live beside
 * the application's own `data` and never collide with it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SessionData = Schema.Struct({
  /** A random identity, renewed at every login and logout (session fixation). */
  id: Schema.String,
  userId: Schema.optionalWith(Schema.String, { exact: true }),
  /** True when the user typed their credentials in this session (Flask-Login's `_fresh`). */
  fresh: Schema.optionalWith(Schema.Boolean, { exact: true }),
  data: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Unknown }), { exact: true }),
  flashes: Schema.optionalWith(Schema.Array(Flash), { exact: true }),
  /** When this session was last written, in epoch milliseconds; it expires `maxAge` later. */
  issuedAt: Schema.Number
})

/**
 * @since 0.1.0
 * @category models
 */
export interface SessionData extends Schema.Schema.Type<typeof SessionData> {}

/**
 * Browsers drop cookies whose `name=value` exceeds 4096 bytes, silently.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxCookieBytes = 4096

/**
 * Why a cookie value was not accepted. None of these is the client's fault
 * to be told about in detail: the request simply has no session.
 *
 * @since 0.1.0
 * @category errors
 */
export class SessionCookieError extends Data.TaggedError("SessionCookieError")<{
  readonly reason: "Oversized" | "Malformed" | "BadSignature" | "InvalidPayload" | "Expired"
}> {
  override get message() {
    return `Session cookie rejected: ${this.reason}`
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Decoded {
  readonly session: SessionData
  /** Verified with a previous key: the cookie should be re-issued with the current one. */
  readonly stale: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Codec {
  readonly encode: (session: SessionData) => string
  readonly decode: (value: string, now: number) => Either.Either<Decoded, SessionCookieError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Signs new cookies (and verifies them). */
  readonly secretKey: Redacted.Redacted
  /** Still verify cookies signed by these, and re-issue them with `secretKey` (key rotation). */
  readonly previousSecretKeys?: ReadonlyArray<Redacted.Redacted> | undefined
  /** Encrypt the session (AES-256-GCM) instead of only signing it. Default `false`. */
  readonly encrypt?: boolean | undefined
  /** How long a session lives after it was last written. */
  readonly maxAge: Duration.DurationInput
  /** Separates keys of different cookies made from the same secret. Default `"session"`. */
  readonly purpose?: string | undefined
}

// Everything a well-formed value can contain: base64url and the separator.
// It also rules out non-UTF-8 bytes, spaces, quotes and control characters.
const wellFormed = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)?$/

const decodeSession = Schema.decodeUnknownEither(SessionData)
const encodePayload = Schema.encodeSync(Schema.parseJson(SessionData))

// `JSON.parse` then the Struct is twice as fast as `Schema.parseJson` on this hot path.
const decodePayload = (json: string): Either.Either<SessionData, ParseResult.ParseError | SyntaxError> => {
  try {
    return decodeSession(JSON.parse(json))
  } catch (error) {
    return Either.left(error as SyntaxError)
  }
}

// A 32-byte MAC is 43 base64url characters; the last one carries 4 unused bits, which
// Node's decoder ignores. Only the canonical spelling (unused bits zero) is accepted.
const canonicalMac = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/

/**
 * Builds a codec. Keys are derived here, once, so that the request path only
 * runs one HMAC (or one AES-GCM open) per cookie.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Codec => {
  const purpose = options.purpose ?? "session"
  const secrets = [options.secretKey, ...(options.previousSecretKeys ?? [])].map(Redacted.value)
  const maxAgeMillis = Duration.toMillis(options.maxAge)
  const accept = (json: string, stale: boolean, now: number): Either.Either<Decoded, SessionCookieError> => {
    const parsed = decodePayload(json)
    if (Either.isLeft(parsed)) return Either.left(new SessionCookieError({ reason: "InvalidPayload" }))
    if (now - parsed.right.issuedAt >= maxAgeMillis) return Either.left(new SessionCookieError({ reason: "Expired" }))
    return Either.right({ session: parsed.right, stale })
  }
  const check = (value: string): SessionCookieError | undefined =>
    value.length > maxCookieBytes
      ? new SessionCookieError({ reason: "Oversized" })
      : wellFormed.test(value)
      ? undefined
      : new SessionCookieError({ reason: "Malformed" })

  if (options.encrypt === true) {
    const keys = secrets.map((secret) => crypto.deriveKey(secret, `${purpose}/aes-256-gcm`))
    const aad = Buffer.from(`effect-login/${purpose}`)
    return {
      encode: (session) => crypto.seal(keys[0]!, Buffer.from(encodePayload(session)), aad).toString("base64url"),
      decode: (value, now) => {
        const malformed = check(value)
        if (malformed !== undefined) return Either.left(malformed)
        const sealed = Buffer.from(value, "base64url")
        // Node's base64url decoder ignores stray bits; only the canonical spelling is ours.
        if (value.includes(".") || sealed.toString("base64url") !== value) {
          return Either.left(new SessionCookieError({ reason: "Malformed" }))
        }
        for (let i = 0; i < keys.length; i++) {
          const plaintext = crypto.open(keys[i]!, sealed, aad)
          if (plaintext !== undefined) return accept(plaintext.toString("utf8"), i > 0, now)
        }
        return Either.left(new SessionCookieError({ reason: "BadSignature" }))
      }
    }
  }

  const keys = secrets.map((secret) => crypto.deriveKey(secret, `${purpose}/hmac-sha256`))
  return {
    encode: (session) => {
      const payload = Buffer.from(encodePayload(session)).toString("base64url")
      return `${payload}.${crypto.hmacSha256(keys[0]!, payload).toString("base64url")}`
    },
    decode: (value, now) => {
      const malformed = check(value)
      if (malformed !== undefined) return Either.left(malformed)
      const dot = value.indexOf(".")
      if (dot < 0) return Either.left(new SessionCookieError({ reason: "Malformed" }))
      const payload = value.slice(0, dot)
      const macText = value.slice(dot + 1)
      if (!canonicalMac.test(macText)) return Either.left(new SessionCookieError({ reason: "BadSignature" }))
      const mac = Buffer.from(macText, "base64url")
      for (let i = 0; i < keys.length; i++) {
        if (crypto.timingSafeEqual(crypto.hmacSha256(keys[i]!, payload), mac)) {
          const json = Buffer.from(payload, "base64url").toString("utf8")
          return accept(json, i > 0, now)
        }
      }
      return Either.left(new SessionCookieError({ reason: "BadSignature" }))
    }
  }
}
