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
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as flask from "./core/flask.js"

/**
 * Where to find the Flask app's cookies and how to verify them.
 *
 * @since 0.1.0
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
  readonly sessionMaxAge?: Duration.DurationInput | undefined
}

/**
 * How far in the future a Flask session may say it was signed: clocks of two
 * servers disagree a little, never by more.
 *
 * @since 0.2.0
 * @category constants
 */
export const maxClockSkewMillis = flask.maxClockSkewMillis

/**
 * The user id of a Flask-Login remember cookie, when it was signed with
 * `secretKey`. Unlike Flask-Login, a non-ASCII digest is "invalid", not a 500.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeRememberCookie = (value: string, secretKey: Redacted.Redacted): Option.Option<string> =>
  Option.fromNullable(flask.decodeRememberCookie(value, Redacted.value(secretKey)))

/**
 * Flask-Login's `encode_cookie`, for tests and for tools that need to make
 * the old format (this library never writes it).
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeRememberCookie = (userId: string, secretKey: Redacted.Redacted): string =>
  flask.encodeRememberCookie(userId, Redacted.value(secretKey))

/**
 * A decoded Flask session: its keys as Flask stored them (`_user_id`,
 * `_fresh`, `_id`, `_flashes`, the application's own), and when it was signed.
 *
 * @since 0.1.0
 * @category models
 */
export interface FlaskSession {
  readonly data: Readonly<Record<string, unknown>>
  /** Epoch milliseconds. */
  readonly signedAt: number
}

/**
 * Verifies and decodes a Flask session cookie (`URLSafeTimedSerializer`,
 * salt `cookie-session`, HMAC key derivation, SHA-1).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeSessionCookie = (
  value: string,
  options: Pick<Options, "secretKey" | "sessionMaxAge"> & { readonly now: number }
): Option.Option<FlaskSession> =>
  Option.fromNullable(flask.decodeSessionCookie(value, {
    secretKey: Redacted.value(options.secretKey),
    maxAgeMillis: options.sessionMaxAge === undefined ? undefined : Duration.toMillis(options.sessionMaxAge),
    now: options.now
  }))
