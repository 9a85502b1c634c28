/**
 * The per-request session: who is logged in, the application's own data
 * beside the login keys, and flashed messages. Provided to every request by
 * `LoginManager.middleware`.
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { SessionStoreError, UserLoaderError } from "./LoginError.js"
import type { SessionTooLarge } from "./LoginError.js"
import type { Flash } from "./SessionCookie.js"

/**
 * Marks session services.
 *
 * @since 0.2.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("effect-login/Session")

/**
 * The type of {@link TypeId}.
 *
 * @since 0.2.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * Options of a login, as Flask-Login's `login_user`.
 *
 * @since 0.2.0
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
  readonly duration?: Duration.Input | undefined
}

/**
 * The session of one request. Nothing is read before it is needed: a request
 * that never asks for the user or the session does not parse, verify or load
 * anything, and a request that changes nothing writes no cookie.
 *
 * Most code uses the typed accessors (`Session.key`, `Session.flash`, and the
 * `login`/`CurrentUser` of `UserLoader.make`) rather than this interface.
 *
 * @since 0.2.0
 * @category models
 */
export interface Session {
  readonly [TypeId]: TypeId
  /** The logged-in user, loaded at most once per request. */
  readonly user: Effect.Effect<Option.Option<unknown>, UserLoaderError | SessionStoreError>
  /** The user when logged in and active (Flask-Login's `is_authenticated`). */
  readonly authenticated: Effect.Effect<Option.Option<unknown>, UserLoaderError | SessionStoreError>
  /**
   * Logs `user` in: `false` (and no change) when the user is inactive and the
   * login is not forced. Untyped, so not published: applications call the
   * typed `login` of their `UserLoader.make` declaration.
   *
   * @internal
   */
  readonly login: (user: unknown, options?: LoginOptions) => Effect.Effect<boolean, SessionTooLarge | SessionStoreError>
  /**
   * Logs out, keeping the application's data, and ends this browser's remember
   * token (with a store; a stateless one is only cleared from the browser).
   * Harmless when nobody is logged in.
   */
  readonly logout: Effect.Effect<void, SessionStoreError>
  /** Marks the login fresh again, after the user re-entered their password. */
  readonly confirmLogin: Effect.Effect<void, UserLoaderError | SessionStoreError>
  /** True when the user entered their credentials in this session (recently enough, with `freshMaxAge`). */
  readonly isFresh: Effect.Effect<boolean, SessionStoreError>
  /** True when the request carries a valid remember-me cookie of the current user. */
  readonly isRemembered: Effect.Effect<boolean, UserLoaderError | SessionStoreError>
  readonly get: (key: string) => Effect.Effect<Option.Option<unknown>, SessionStoreError>
  readonly set: (key: string, value: unknown) => Effect.Effect<void, SessionTooLarge | SessionStoreError>
  readonly remove: (key: string) => Effect.Effect<void, SessionStoreError>
  readonly flash: (message: string, category: string) => Effect.Effect<void, SessionTooLarge | SessionStoreError>
  readonly takeFlashes: Effect.Effect<ReadonlyArray<Flash>, SessionStoreError>
  /** Takes the `next` that the unauthorized flow stored, with `useSessionForNext`. */
  readonly takeNext: Effect.Effect<Option.Option<string>, SessionStoreError>
  /** The sessions of the logged-in user (all of them with a store; this one with the cookie). */
  readonly listSessions: Effect.Effect<ReadonlyArray<SessionInfo>, SessionStoreError>
  /** Ends the user's other sessions and remember tokens (with a store); returns how many. */
  readonly logoutOtherDevices: Effect.Effect<number, SessionStoreError>
  /**
   * Ends every session and remember token of the user (with a store) and logs
   * out; returns how many others ended. With cookie sessions nothing on the
   * server can be ended: change the user's security stamp.
   */
  readonly logoutEverywhere: Effect.Effect<number, SessionStoreError>
  /**
   * The answer to an anonymous request on a route that requires a login, sent
   * to `loginView` (`null`: answer 401; `undefined`: the configured view).
   */
  readonly unauthorized: (loginView?: string | null | undefined) => Effect.Effect<HttpServerResponse.HttpServerResponse>
  /** The answer to a stale login on a route that requires a fresh one. */
  readonly needsRefresh: Effect.Effect<HttpServerResponse.HttpServerResponse>
}

/**
 * One of the user's sessions, as `listSessions` shows them.
 *
 * @since 0.2.0
 * @category models
 */
export interface SessionInfo {
  /**
   * A session, or a device's remember-me token (with a store): a browser
   * that was closed but will be logged in again when it comes back.
   */
  readonly kind: "session" | "remember"
  /** This request's session, or the remember token this browser holds. */
  readonly current: boolean
  readonly createdAt: number
  /** When it ends unless used; unknown for a cookie session. A remember token's expiry never moves. */
  readonly expiresAt: number | undefined
  /** A remember token's last use (its login, or the last time it restored one). */
  readonly lastUsedAt: number | undefined
  /** The browser a remember token was issued to, as it named itself (a label, not proof). */
  readonly userAgent: string | undefined
}

/**
 * The tag of the `Session` service.
 *
 * @since 0.2.0
 * @category tags
 */
export const Session: Context.Service<Session, Session> = Context.Service<Session>("effect-login/Session")

/**
 * A typed entry of the session's application data, encoded with its Schema.
 *
 * @since 0.2.0
 * @category models
 */
export interface Key<A> {
  readonly name: string
  /** The value, or `None` when absent or no longer decodable by the schema. */
  readonly get: Effect.Effect<Option.Option<A>, SessionStoreError, Session>
  readonly set: (value: A) => Effect.Effect<void, SessionTooLarge | SessionStoreError | Schema.SchemaError, Session>
  readonly remove: Effect.Effect<void, SessionStoreError, Session>
}

/**
 * Declares a typed session entry. Any name but `__proto__` (refused, as a
 * defect, when declared).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Session } from "@effect-login/effect4"
 *
 * const Cart = Session.key("cart", Schema.Array(Schema.String))
 * // yield* Cart.set(["apple"]); const cart = yield* Cart.get
 * export { Cart }
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const key = <A, I>(name: string, schema: Schema.Codec<A, I>): Key<A> => {
  // JSON keeps `__proto__` as a key, but decoding it into an object would set a prototype.
  if (name === "__proto__") throw new TypeError(`"__proto__" cannot name a session key`)
  const decode = Schema.decodeUnknownOption(schema)
  const encode = Schema.encodeEffect(schema)
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
 * @example
 * ```ts
 * import { HttpServerResponse } from "effect/http"
 * import { Effect } from "effect"
 * import { Session } from "@effect-login/effect4"
 *
 * // Shown once, by the next page that takes the flashes.
 * export const saved = Effect.as(Session.flash("Your settings are saved", "info"), HttpServerResponse.redirect("/"))
 * export const page = Effect.map(Session.takeFlashes, (flashes) => flashes.map(([category, text]) => `${category}: ${text}`))
 * ```
 *
 * @since 0.2.0
 * @category accessors
 */
export const flash = (
  message: string,
  category = "message"
): Effect.Effect<void, SessionTooLarge | SessionStoreError, Session> =>
  Effect.flatMap(Session, (session) => session.flash(message, category))

/**
 * Takes the flashed messages out of the session, oldest first.
 *
 * @since 0.2.0
 * @category accessors
 */
export const takeFlashes: Effect.Effect<ReadonlyArray<Flash>, SessionStoreError, Session> = Effect.flatMap(
  Session,
  (session) => session.takeFlashes
)

/**
 * Logs the current user out (Flask's `logout_user`). The application's
 * session data stays; logging out an anonymous request changes nothing.
 *
 * With a store, this browser's remember token ends on the server too: a copy
 * taken before is dead. With cookie sessions the remember token is stateless:
 * the browser's cookie is cleared, but a copy keeps working until it expires
 * or the user's security stamp changes.
 *
 * @since 0.2.0
 * @category accessors
 */
export const logout: Effect.Effect<void, SessionStoreError, Session> = Effect.flatMap(
  Session,
  (session) => session.logout
)

/**
 * Makes the current login fresh again (Flask's `confirm_login`), typically
 * after the user re-entered their password on the refresh view.
 *
 * @since 0.2.0
 * @category accessors
 */
export const confirmLogin: Effect.Effect<void, UserLoaderError | SessionStoreError, Session> = Effect.flatMap(
  Session,
  (session) => session.confirmLogin
)

/**
 * True when the request carries a valid remember-me cookie of the current
 * user (Flask's `login_remembered`).
 *
 * @since 0.2.0
 * @category accessors
 */
export const isRemembered: Effect.Effect<boolean, UserLoaderError | SessionStoreError, Session> = Effect.flatMap(
  Session,
  (session) => session.isRemembered
)

/**
 * Takes the page the user wanted, stored by the unauthorized flow when
 * `useSessionForNext` is on (Flask's `session.pop("next")`). Pass it through
 * `SafeRedirect.safeNext` before redirecting.
 *
 * @since 0.2.0
 * @category accessors
 */
export const takeNext: Effect.Effect<Option.Option<string>, SessionStoreError, Session> = Effect.flatMap(
  Session,
  (session) => session.takeNext
)

/**
 * True when the current login is fresh: the user entered their credentials in
 * this session (Flask's `login_fresh`).
 *
 * @since 0.2.0
 * @category accessors
 */
export const isFresh: Effect.Effect<boolean, SessionStoreError, Session> = Effect.flatMap(
  Session,
  (session) => session.isFresh
)

/**
 * The logged-in user's sessions: all of them with a server-side store (each
 * with when it began and when it ends unless used), this one with the cookie.
 *
 * @since 0.2.0
 * @category accessors
 */
export const listSessions: Effect.Effect<ReadonlyArray<SessionInfo>, SessionStoreError, Session> = Effect.flatMap(
  Session,
  (session) => session.listSessions
)

/**
 * "Log out other devices": ends the user's other sessions and remember tokens
 * (server-side stores), on every instance at their next request; this
 * browser's session and remember token stay. Returns how many ended.
 *
 * @since 0.2.0
 * @category accessors
 */
export const logoutOtherDevices: Effect.Effect<number, SessionStoreError, Session> = Effect.flatMap(
  Session,
  (session) => session.logoutOtherDevices
)

/**
 * "Log out everywhere": ends every session and remember token of the user
 * (server-side stores) and logs this one out. With cookie sessions, nothing
 * on the server can be deleted: change the user's security stamp too
 * (`UserLoader.make`), or the other browsers stay logged in (a warning is
 * logged when the application keeps no stamps).
 *
 * @since 0.2.0
 * @category accessors
 */
export const logoutEverywhere: Effect.Effect<number, SessionStoreError, Session> = Effect.flatMap(
  Session,
  (session) => session.logoutEverywhere
)
