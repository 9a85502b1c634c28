/**
 * The stateless session cookie: what a session holds, and how it is signed
 * (HMAC-SHA256) or encrypted (AES-256-GCM) into a cookie value and back.
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as codec from "../../src/core/cookieCodec.js"
import * as signers from "../../src/core/signer.js"

/**
 * A flashed message: `[category, message]`, as Flask's `get_flashed_messages(with_categories=True)`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Flash = Schema.Tuple([Schema.String, Schema.String])

/**
 * A flashed message: its category and its text (the type of the `Flash` schema).
 *
 * @since 0.2.0
 * @category models
 */
export type Flash = typeof Flash.Type

/**
 * Everything a session holds. The login keys (`userId`, `fresh`) live beside
 * the application's own `data` and never collide with it.
 *
 * @since 0.2.0
 * @category schemas
 */
export const SessionData = Schema.Struct({
  /** A random identity, renewed at every login and logout (session fixation). */
  id: Schema.String,
  userId: Schema.optionalKey(Schema.String),
  /** True when the user typed their credentials in this session (Flask-Login's `_fresh`). */
  fresh: Schema.optionalKey(Schema.Boolean),
  /** When the credentials were last entered (login or confirmation), in epoch milliseconds. */
  freshAt: Schema.optionalKey(Schema.Int),
  /** When this login began (a login, or a restore by the remember cookie): it ends an absolute lifetime later. */
  loginAt: Schema.optionalKey(Schema.Int),
  /** A hash of the client (IP and User-Agent) that logged in, for session protection. */
  client: Schema.optionalKey(Schema.String),
  /** A hash of the user's security stamp at login: when the stamp changes, the login ends. */
  stamp: Schema.optionalKey(Schema.String),
  /** Where to go after the login view, with `useSessionForNext`. */
  next: Schema.optionalKey(Schema.String),
  data: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown)),
  flashes: Schema.optionalKey(Schema.Array(Flash)),
  /** When this session was last written, in epoch milliseconds; it expires `maxAge` later. */
  issuedAt: Schema.Int
})

/**
 * What a session cookie carries (the type of the `SessionData` schema).
 *
 * @since 0.2.0
 * @category models
 */
export interface SessionData extends Schema.Schema.Type<typeof SessionData> {}

/**
 * Browsers drop cookies whose `name=value` exceeds 4096 bytes, silently.
 *
 * @since 0.2.0
 * @category constants
 */
export const maxCookieBytes = 4096

/**
 * Why a cookie value was not accepted. None of these is the client's fault
 * to be told about in detail: the request simply has no session.
 *
 * @since 0.2.0
 * @category errors
 */
export class SessionCookieError extends Data.TaggedError("SessionCookieError")<{
  readonly reason: "Oversized" | "BadSignature" | "InvalidPayload" | "Expired"
}> {
  override get message() {
    return `Session cookie rejected: ${this.reason}`
  }
}

/**
 * A session read from a cookie.
 *
 * @since 0.2.0
 * @category models
 */
export interface Decoded {
  readonly session: SessionData
  /** Verified with a previous key: the cookie should be re-issued with the current one. */
  readonly stale: boolean
}

/**
 * Encodes sessions into cookie values and back, checking signature (or encryption) and expiry.
 *
 * @since 0.2.0
 * @category models
 */
export interface Codec {
  readonly encode: (session: SessionData) => string
  readonly decode: (value: string, now: number) => Result.Result<Decoded, SessionCookieError>
}

/**
 * The keys and lifetime of a session cookie codec.
 *
 * @since 0.2.0
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
  readonly maxAge: Duration.Input
  /** Separates keys of different cookies made from the same secret. Default `"session"`. */
  readonly purpose?: string | undefined
}

const decodeSession = Schema.decodeUnknownResult(SessionData)
const encodeSession = Schema.encodeSync(Schema.fromJsonString(SessionData))

// `JSON.parse` then the Struct is twice as fast as `Schema.fromJsonString` on this hot path.
const decodePayload = (json: string): Result.Result<SessionData, Schema.SchemaError | SyntaxError> => {
  try {
    return decodeSession(JSON.parse(json))
  } catch (error) {
    return Result.fail(error as SyntaxError)
  }
}

/**
 * Builds a codec. Keys are derived here, once, so that the request path only
 * runs one HMAC (or one AES-GCM open) per cookie.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Options): Codec => {
  const keys = [options.secretKey, ...(options.previousSecretKeys ?? [])].map(Redacted.value)
  const purpose = options.purpose ?? "session"
  const signer = options.encrypt === true ? signers.aesGcm(keys, purpose) : signers.hmac(keys, purpose)
  const maxAgeMillis = Duration.toMillis(options.maxAge)
  return {
    encode: (session) => signer.sign(encodeSession(session)),
    decode: (value, now) => {
      const opened = codec.open(signer, value, maxCookieBytes, (payload) => {
        const parsed = decodePayload(payload)
        return Result.isFailure(parsed) ? undefined : parsed.success
      }, (session) => now - session.issuedAt >= maxAgeMillis)
      return opened._tag === "Refused"
        ? Result.fail(new SessionCookieError({ reason: opened.reason }))
        : Result.succeed({ session: opened.value, stale: opened.stale })
    }
  }
}
