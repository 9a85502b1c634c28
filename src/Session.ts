/**
 * The per-request session: who is logged in, the application's own data
 * beside the login keys, and flashed messages. Provided to every request by
 * `LoginManager.middleware`.
 *
 * @since 0.1.0
 */
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { Flash } from "./SessionCookie.js"
import type { UserLoaderError } from "./UserLoader.js"

/**
 * Marks session services.
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("effect-login/Session")

/**
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * Options of a login, as Flask-Login's `login_user`.
 *
 * @since 0.1.0
 * @category models
 */
export interface LoginOptions {
  /** Log the user in even when the user is not active. Default `false`. */
  readonly force?: boolean | undefined
  /** Mark the login as fresh (credentials just entered). Default `true`. */
  readonly fresh?: boolean | undefined
  /** Set the remember-me cookie, so that the login survives the browser closing. Default `false`. */
  readonly remember?: boolean | undefined
  /** How long the remember-me cookie lasts, instead of the configured duration. */
  readonly duration?: Duration.DurationInput | undefined
}

/**
 * The session of one request. Nothing is read before it is needed: a request
 * that never asks for the user or the session does not parse, verify or load
 * anything, and a request that changes nothing writes no cookie.
 *
 * Most code uses the typed accessors (`Session.key`, `Session.flash`, and the
 * `login`/`CurrentUser` of `UserLoader.make`) rather than this interface.
 *
 * @since 0.1.0
 * @category models
 */
export interface Session {
  readonly [TypeId]: TypeId
  /** The logged-in user, loaded at most once per request. */
  readonly user: Effect.Effect<Option.Option<unknown>, UserLoaderError>
  /** The user when logged in and active (Flask-Login's `is_authenticated`). */
  readonly authenticated: Effect.Effect<Option.Option<unknown>, UserLoaderError>
  /** Logs `user` in: `false` (and no change) when the user is inactive and the login is not forced. */
  readonly login: (user: unknown, options?: LoginOptions) => Effect.Effect<boolean, SessionTooLarge>
  /** Logs out, keeping the application's data. Harmless when nobody is logged in. */
  readonly logout: Effect.Effect<void>
  /** Marks the login fresh again, after the user re-entered their password. */
  readonly confirmLogin: Effect.Effect<void, UserLoaderError>
  /** True when the user entered their credentials in this session (recently enough, with `freshMaxAge`). */
  readonly isFresh: Effect.Effect<boolean>
  /** True when the request carries a valid remember-me cookie of the current user. */
  readonly isRemembered: Effect.Effect<boolean, UserLoaderError>
  readonly get: (key: string) => Effect.Effect<Option.Option<unknown>>
  readonly set: (key: string, value: unknown) => Effect.Effect<void, SessionTooLarge>
  readonly remove: (key: string) => Effect.Effect<void>
  readonly flash: (message: string, category: string) => Effect.Effect<void, SessionTooLarge>
  readonly takeFlashes: Effect.Effect<ReadonlyArray<Flash>>
  /** Takes the `next` that the unauthorized flow stored, with `useSessionForNext`. */
  readonly takeNext: Effect.Effect<Option.Option<string>>
  /**
   * The answer to an anonymous request on a route that requires a login, sent
   * to `loginView` (`null`: answer 401; `undefined`: the configured view).
   */
  readonly unauthorized: (loginView?: string | null | undefined) => Effect.Effect<HttpServerResponse.HttpServerResponse>
  /** The answer to a stale login on a route that requires a fresh one. */
  readonly needsRefresh: Effect.Effect<HttpServerResponse.HttpServerResponse>
}

/**
 * @since 0.1.0
 * @category tags
 */
export const Session: Context.Tag<Session, Session> = Context.GenericTag<Session>("effect-login/Session")

/**
 * A write would make the session cookie larger than browsers accept (4096
 * bytes). The write is refused, so the cookie is never silently dropped.
 *
 * @since 0.1.0
 * @category errors
 */
export class SessionTooLarge extends Schema.TaggedError<SessionTooLarge>("effect-login/SessionTooLarge")(
  "SessionTooLarge",
  { bytes: Schema.Number, limit: Schema.Number }
) {
  override get message() {
    return `The session cookie would be ${this.bytes} bytes, over the ${this.limit} bytes browsers accept; ` +
      `keep large data out of the session`
  }
}

/**
 * A typed entry of the session's application data, encoded with its Schema.
 *
 * @since 0.1.0
 * @category models
 */
export interface Key<A> {
  readonly name: string
  /** The value, or `None` when absent or no longer decodable by the schema. */
  readonly get: Effect.Effect<Option.Option<A>, never, Session>
  readonly set: (value: A) => Effect.Effect<void, SessionTooLarge | ParseResult.ParseError, Session>
  readonly remove: Effect.Effect<void, never, Session>
}

/**
 * Declares a typed session entry. Any name but `__proto__` (refused, as a
 * defect, when declared).
 *
 * ```ts
 * import { Schema } from "effect"
 * import { Session } from "effect-login"
 *
 * const Cart = Session.key("cart", Schema.Array(Schema.String))
 * // yield* Cart.set(["apple"]); const cart = yield* Cart.get
 * export { Cart }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const key = <A, I>(name: string, schema: Schema.Schema<A, I>): Key<A> => {
  // JSON keeps `__proto__` as a key, but decoding it into an object would set a prototype.
  if (name === "__proto__") throw new TypeError(`"__proto__" cannot name a session key`)
  const decode = Schema.decodeUnknownOption(schema)
  const encode = Schema.encode(schema)
  return {
    name,
    get: Effect.flatMap(Session, (session) => session.get(name)).pipe(Effect.map(Option.flatMap(decode))),
    set: (value) =>
      Effect.flatMap(encode(value), (encoded) => Effect.flatMap(Session, (session) => session.set(name, encoded))),
    remove: Effect.flatMap(Session, (session) => session.remove(name))
  }
}

/**
 * Flashes a message for the next request to show (Flask's `flash`).
 *
 * @since 0.1.0
 * @category accessors
 */
export const flash = (message: string, category = "message"): Effect.Effect<void, SessionTooLarge, Session> =>
  Effect.flatMap(Session, (session) => session.flash(message, category))

/**
 * Takes the flashed messages out of the session, oldest first.
 *
 * @since 0.1.0
 * @category accessors
 */
export const takeFlashes: Effect.Effect<ReadonlyArray<Flash>, never, Session> = Effect.flatMap(
  Session,
  (session) => session.takeFlashes
)

/**
 * Logs the current user out (Flask's `logout_user`). The application's
 * session data stays; logging out an anonymous request changes nothing.
 *
 * @since 0.1.0
 * @category accessors
 */
export const logout: Effect.Effect<void, never, Session> = Effect.flatMap(Session, (session) => session.logout)

/**
 * Makes the current login fresh again (Flask's `confirm_login`), typically
 * after the user re-entered their password on the refresh view.
 *
 * @since 0.1.0
 * @category accessors
 */
export const confirmLogin: Effect.Effect<void, UserLoaderError, Session> = Effect.flatMap(
  Session,
  (session) => session.confirmLogin
)

/**
 * True when the request carries a valid remember-me cookie of the current
 * user (Flask's `login_remembered`).
 *
 * @since 0.1.0
 * @category accessors
 */
export const isRemembered: Effect.Effect<boolean, UserLoaderError, Session> = Effect.flatMap(
  Session,
  (session) => session.isRemembered
)

/**
 * Takes the page the user wanted, stored by the unauthorized flow when
 * `useSessionForNext` is on (Flask's `session.pop("next")`). Pass it through
 * `SafeRedirect.safeNext` before redirecting.
 *
 * @since 0.1.0
 * @category accessors
 */
export const takeNext: Effect.Effect<Option.Option<string>, never, Session> = Effect.flatMap(
  Session,
  (session) => session.takeNext
)

/**
 * True when the current login is fresh: the user entered their credentials in
 * this session (Flask's `login_fresh`).
 *
 * @since 0.1.0
 * @category accessors
 */
export const isFresh: Effect.Effect<boolean, never, Session> = Effect.flatMap(Session, (session) => session.isFresh)
