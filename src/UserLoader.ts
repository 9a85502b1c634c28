/**
 * The service the application implements: from a user id to its user (Flask's
 * `user_loader`), and the typed login API for the application's user type.
 *
 * @since 0.1.0
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerRespondable from "@effect/platform/HttpServerRespondable"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as CurrentUser from "./CurrentUser.js"
import * as testSession from "./internal/testSession.js"
import type * as RequestLoader from "./RequestLoader.js"
import * as Session from "./Session.js"
import type * as SessionStore from "./SessionStore.js"

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
  /** The user's security stamp; sessions and remember tokens made under another stamp are void. */
  readonly securityStamp: ((user: unknown) => string) | undefined
  /** Tried in order when there is neither a session nor a remember cookie. */
  readonly requestLoaders: ReadonlyArray<{
    readonly name: string
    readonly load: (
      request: HttpServerRequest.HttpServerRequest
    ) => Effect.Effect<Option.Option<unknown>, UserLoaderError>
  }>
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
  readonly CurrentUser: Effect.Effect<
    CurrentUser.Anonymous | User,
    UserLoaderError | SessionStore.SessionStoreError,
    Session.Session
  >
  /** The logged-in user, provided by `loginRequired`; never anonymous. */
  readonly AuthenticatedUser: Context.Tag<CurrentUser.AuthenticatedUser, User>
  /** The user of a fresh login, provided by `freshLoginRequired` only. */
  readonly FreshUser: Context.Tag<CurrentUser.FreshUser, User>
  readonly isAuthenticated: (user: CurrentUser.Anonymous | User) => user is User
  /**
   * Logs `user` in (Flask's `login_user`): `false` and no change when the user
   * is inactive and the login is not forced. The session gets a new identity.
   */
  readonly login: (
    user: User,
    options?: Session.LoginOptions
  ) => Effect.Effect<boolean, Session.SessionTooLarge | SessionStore.SessionStoreError, Session.Session>
  /**
   * The `UserLoader` Layer. `load` (and each request loader) may fail with any
   * error or need any service: failures become {@link UserLoaderError}.
   */
  readonly layer: <E, R, const Loaders extends ReadonlyArray<RequestLoader.RequestLoader<User, any>> = readonly []>(
    load: (id: string) => Effect.Effect<Option.Option<User>, E, R>,
    options?: {
      /** Request loaders (API key, bearer…), tried in order after the session and the remember cookie. */
      readonly requestLoaders?: Loaders | undefined
    }
  ) => Layer.Layer<UserLoader, never, R | RequestLoader.RequestLoader.Context<Loaders[number]>>
  /** Flask-Login's `LOGIN_DISABLED`: routes behind `loginRequired` see `standIn` instead of refusing. */
  readonly layerLoginDisabled: (standIn: User) => Layer.Layer<never>
  /**
   * Unit tests of handlers, with no session cookie, clock or store: `user` is
   * logged in (fresh unless `fresh: false`), as `CurrentUser`,
   * `AuthenticatedUser` and `FreshUser`.
   */
  readonly layerTest: {
    (user: User, options: { readonly fresh: false; readonly remembered?: boolean | undefined }): Layer.Layer<
      Session.Session | CurrentUser.AuthenticatedUser
    >
    (
      user: User,
      options?: { readonly fresh?: true | undefined; readonly remembered?: boolean | undefined }
    ): Layer.Layer<
      Session.Session | CurrentUser.AuthenticatedUser | CurrentUser.FreshUser
    >
  }
  /** The `UserLoader` of a fixed set of users, for tests and examples. */
  readonly layerMemory: (users: Iterable<User>) => Layer.Layer<UserLoader>
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
  /**
   * Revocation: a value that changes when every login of the user must end —
   * a password hash, or a counter bumped by "log out everywhere". Sessions and
   * remember tokens keep a hash of it and stop working when it changes.
   */
  readonly securityStamp?: ((user: User) => string) | undefined
}): Users<User> => {
  const isActive: (user: User) => boolean = options.isActive ?? (() => true)
  const isAuthenticated = (user: CurrentUser.Anonymous | User): user is User => !CurrentUser.isAnonymous(user)
  return {
    // The runtime tag is shared by every user type; only its type is the application's.
    AuthenticatedUser: CurrentUser.AuthenticatedUser as Context.Tag<CurrentUser.AuthenticatedUser, User>,
    FreshUser: CurrentUser.FreshUser as Context.Tag<CurrentUser.FreshUser, User>,
    CurrentUser: Effect.flatMap(
      Session.Session,
      (session) => Effect.map(session.user, Option.getOrElse(() => CurrentUser.anonymous))
    ) as Users<User>["CurrentUser"],
    isAuthenticated,
    login: (user, loginOptions) => Effect.flatMap(Session.Session, (session) => session.login(user, loginOptions)),
    layer: (load, layerOptions) =>
      layer(load, layerOptions?.requestLoaders ?? [], {
        id: options.id,
        isActive,
        securityStamp: options.securityStamp
      }),
    layerLoginDisabled: (standIn) => Layer.succeed(CurrentUser.LoginDisabled, Option.some(standIn)),
    layerTest:
      ((user: User, testOptions?: { readonly fresh?: boolean; readonly remembered?: boolean }) =>
        testSession.layerUser(user, testOptions)) as Users<User>["layerTest"],
    layerMemory: (users) => {
      const byId = new Map(Array.from(users, (user) => [options.id(user), user] as const))
      return layer((id) => Effect.succeed(Option.fromNullable(byId.get(id))), [], {
        id: options.id,
        isActive,
        securityStamp: options.securityStamp
      })
    }
  }
}

// Defects too: a loader that throws is an unavailable store, not a 500 with a stack trace.
const toUserLoaderError = (what: string) => (cause: Cause.Cause<unknown>): Effect.Effect<never, UserLoaderError> =>
  Cause.isInterruptedOnly(cause)
    ? Effect.interrupt
    : Effect.logError(`effect-login: ${what} failed`, cause).pipe(
      Effect.zipRight(Effect.fail(new UserLoaderError({ cause: Cause.squash(cause) })))
    )

// A loader that answers from memory (`Effect.succeed`) is used as it is: it needs neither the
// Layer's context nor error handling, and the request core then resolves the user synchronously.
const orUnavailable = <A, E, R>(
  loaded: Effect.Effect<A, E, R>,
  context: Context.Context<R>,
  what: string
): Effect.Effect<A, UserLoaderError> =>
  Exit.isExit(loaded) && Exit.isSuccess(loaded)
    ? loaded as Exit.Exit<A>
    : loaded.pipe(Effect.provide(context), Effect.catchAllCause(toUserLoaderError(what)))

const layer = <User, E, R, RL>(
  load: (id: string) => Effect.Effect<Option.Option<User>, E, R>,
  requestLoaders: ReadonlyArray<RequestLoader.RequestLoader<User, RL>>,
  user: {
    readonly id: (user: User) => string
    readonly isActive: (user: User) => boolean
    readonly securityStamp: ((user: User) => string) | undefined
  }
): Layer.Layer<UserLoader, never, R | RL> =>
  Layer.effect(
    UserLoader,
    Effect.map(Effect.context<R | RL>(), (context) =>
      // The runtime service is shared by every user type; `make` keeps the types apart.
      UserLoader.of({
        load: (userId) => orUnavailable(load(userId), context, "the user loader"),
        requestLoaders: requestLoaders.map((loader) => ({
          name: loader.name,
          load: (request) => orUnavailable(loader.load(request), context, `the request loader ${loader.name}`)
        })),
        id: user.id as (user: unknown) => string,
        isActive: user.isActive as (user: unknown) => boolean,
        securityStamp: user.securityStamp as ((user: unknown) => string) | undefined
      }))
  )
