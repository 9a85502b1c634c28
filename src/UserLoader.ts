/**
 * The service the application implements: from a user id to its user (Flask's
 * `user_loader`), and the typed login API for the application's user type.
 *
 * @since 0.1.0
 */
import * as HttpServerRespondable from "@effect/platform/HttpServerRespondable"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as CurrentUser from "./CurrentUser.js"
import * as Session from "./Session.js"

/**
 * What `LoginManager` needs to know about users, for any user type.
 * Applications build it with the `layer` of {@link make}.
 *
 * @since 0.1.0
 * @category models
 */
export interface UserLoader {
  /** `None` when there is no such user (deleted, or never existed). */
  readonly load: (id: string) => Effect.Effect<Option.Option<unknown>, UserLoaderError>
  readonly id: (user: unknown) => string
  readonly isActive: (user: unknown) => boolean
}

/**
 * @since 0.1.0
 * @category tags
 */
export const UserLoader: Context.Tag<UserLoader, UserLoader> = Context.GenericTag<UserLoader>(
  "effect-login/UserLoader"
)

/**
 * The user store failed (database down, timeout). The request is answered
 * with 503: it is neither "anonymous" (which would log everybody out during an
 * outage) nor a 500 with a stack trace. The cause is logged, never sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class UserLoaderError extends Data.TaggedError("UserLoaderError")<{
  readonly cause: unknown
}> implements HttpServerRespondable.Respondable {
  override get message() {
    return "The user store is unavailable"
  }
  [HttpServerRespondable.symbol]() {
    return Effect.succeed(HttpServerResponse.text("Service Unavailable", { status: 503 }))
  }
}

/**
 * The typed login API of one user type, made by {@link make}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Users<User> {
  /**
   * The user of this request, or `Anonymous`. Loaded lazily, at most once per
   * request: a route that never asks costs no loader call.
   */
  readonly CurrentUser: Effect.Effect<CurrentUser.Anonymous | User, UserLoaderError, Session.Session>
  /** The logged-in user, provided by `loginRequired`; never anonymous. */
  readonly AuthenticatedUser: Context.Tag<CurrentUser.AuthenticatedUser, User>
  readonly isAuthenticated: (user: CurrentUser.Anonymous | User) => user is User
  /**
   * Logs `user` in (Flask's `login_user`): `false` and no change when the user
   * is inactive and the login is not forced. The session gets a new identity.
   */
  readonly login: (
    user: User,
    options?: Session.LoginOptions
  ) => Effect.Effect<boolean, Session.SessionTooLarge, Session.Session>
  /**
   * The `UserLoader` Layer. `load` may fail with any error or need any service:
   * failures become {@link UserLoaderError}.
   */
  readonly layer: <E, R>(
    load: (id: string) => Effect.Effect<Option.Option<User>, E, R>
  ) => Layer.Layer<UserLoader, never, R>
  /** Flask-Login's `LOGIN_DISABLED`: routes behind `loginRequired` see `standIn` instead of refusing. */
  readonly layerLoginDisabled: (standIn: User) => Layer.Layer<never>
}

/**
 * Declares the application's user type once; everything else is inferred.
 *
 * ```ts
 * import { Effect, Option } from "effect"
 * import { UserLoader } from "effect-login"
 *
 * interface User { readonly id: string; readonly name: string; readonly active: boolean }
 * const users = new Map<string, User>()
 *
 * export const { AuthenticatedUser, CurrentUser, layer, login } = UserLoader.make({
 *   id: (user: User) => user.id,
 *   isActive: (user) => user.active
 * })
 * export const UsersLive = layer((id) => Effect.succeed(Option.fromNullable(users.get(id))))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <User>(options: {
  /** The id stored in the session (Flask's `get_id`). */
  readonly id: (user: User) => string
  /** Inactive users cannot log in unless forced, and are refused by `loginRequired`. Default: always active. */
  readonly isActive?: ((user: User) => boolean) | undefined
}): Users<User> => {
  const isActive: (user: User) => boolean = options.isActive ?? (() => true)
  const isAuthenticated = (user: CurrentUser.Anonymous | User): user is User => !CurrentUser.isAnonymous(user)
  return {
    // The runtime tag is shared by every user type; only its type is the application's.
    AuthenticatedUser: CurrentUser.AuthenticatedUser as Context.Tag<CurrentUser.AuthenticatedUser, User>,
    CurrentUser: Effect.flatMap(
      Session.Session,
      (session) => Effect.map(session.user, Option.getOrElse(() => CurrentUser.anonymous))
    ) as Effect.Effect<CurrentUser.Anonymous | User, UserLoaderError, Session.Session>,
    isAuthenticated,
    login: (user, loginOptions) => Effect.flatMap(Session.Session, (session) => session.login(user, loginOptions)),
    layer: (load) => layer(load, options.id, isActive),
    layerLoginDisabled: (standIn) => Layer.succeed(CurrentUser.LoginDisabled, Option.some(standIn))
  }
}

const layer = <User, E, R>(
  load: (id: string) => Effect.Effect<Option.Option<User>, E, R>,
  id: (user: User) => string,
  isActive: (user: User) => boolean
): Layer.Layer<UserLoader, never, R> =>
  Layer.effect(
    UserLoader,
    Effect.map(Effect.context<R>(), (context) =>
      UserLoader.of({
        load: (userId) =>
          load(userId).pipe(
            Effect.provide(context),
            // Defects too: a loader that throws is an unavailable store, not a 500 with a stack trace.
            Effect.catchAllCause((cause): Effect.Effect<never, UserLoaderError> =>
              Cause.isInterruptedOnly(cause)
                ? Effect.interrupt
                : Effect.logError("effect-login: the user loader failed", cause).pipe(
                  Effect.zipRight(Effect.fail(new UserLoaderError({ cause: Cause.squash(cause) })))
                )
            )
          ),
        // The runtime service is shared by every user type; `make` keeps the types apart.
        id: id as (user: unknown) => string,
        isActive: isActive as (user: unknown) => boolean
      }))
  )
