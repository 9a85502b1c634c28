/**
 * The service the application implements: from a user id to its user (Flask's
 * `user_loader`), and the typed login API for the application's user type.
 *
 * @since 0.2.0
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Identity from "./Identity.js"
import * as guard from "./internal/guard.js"
import * as testSession from "./internal/testSession.js"
import type * as LoginError from "./LoginError.js"
import { UserLoaderError } from "./LoginError.js"
import type * as RequestLoader from "./RequestLoader.js"
import * as Session from "./Session.js"

/**
 * What `LoginManager` needs to know about users, for any user type.
 * Applications build it with the `layer` of {@link make}.
 *
 * @since 0.2.0
 * @category models
 */
export interface UserLoader {
  /** The key of the declaration it loads (see {@link make}). */
  readonly key: string
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
 * The tag of the user loader service, provided by the `layer` of a declaration.
 *
 * @since 0.2.0
 * @category tags
 */
export const UserLoader: Context.Service<UserLoader, UserLoader> = Context.Service<UserLoader>(
  "effect-login/UserLoader"
)

/**
 * A handler or router behind a guard: it may answer the refusal instead,
 * fail with the stores' errors, and no longer needs what the guard provides.
 *
 * @since 0.2.0
 * @category models
 */
export type Guarded<A, E, R, Provided> = Effect.Effect<
  A | HttpServerResponse.HttpServerResponse,
  E | UserLoaderError | LoginError.SessionStoreError,
  Exclude<R, Provided> | Session.Session | HttpServerRequest.HttpServerRequest
>

/**
 * The typed login API of one user type, made by {@link make}.
 *
 * @since 0.2.0
 * @category models
 */
export interface Users<Key extends string, User> {
  /** The declaration's key: its services are its own, and mixing two declarations does not compile. */
  readonly key: Key
  /**
   * The user of this request, or `Anonymous`. Loaded lazily, at most once per
   * request: a route that never asks costs no loader call.
   */
  readonly CurrentUser: Effect.Effect<
    Identity.Anonymous | User,
    UserLoaderError | LoginError.SessionStoreError,
    Session.Session
  >
  /** The logged-in user, provided by `loginRequired`; never anonymous. */
  readonly AuthenticatedUser: Context.Service<Identity.AuthenticatedUser<Key>, Identity.Authenticated<User>>
  /** The user of a fresh login, provided by `freshLoginRequired` only. */
  readonly FreshUser: Context.Service<Identity.FreshUser<Key>, Identity.Fresh<User>>
  /**
   * Runs a handler, or every route of a router (`HttpRouter.use(loginRequired)`),
   * with the `AuthenticatedUser` of the request, or answers as an unauthorized
   * request: a 302 to the login view with a safe `next`, or 401 (JSON for
   * clients that accept JSON) when no login view is configured. The user must
   * be logged in and active. `OPTIONS` requests pass: an anonymous preflight
   * gets 204 without running the handler, which needs a user it cannot have.
   */
  readonly loginRequired: <A, E, R>(
    self: Effect.Effect<A, E, R>
  ) => Guarded<A, E, R, Identity.AuthenticatedUser<Key>>
  /**
   * As `loginRequired`, and the login must be fresh: the user entered their
   * credentials in this session (not restored by the remember cookie, not
   * found by a request loader), within `freshMaxAge` when that is set. A stale
   * login gets the needs-refresh flow: a 302 to the refresh view with `next`,
   * or 401. Provides `FreshUser` as well as `AuthenticatedUser`.
   */
  readonly freshLoginRequired: <A, E, R>(
    self: Effect.Effect<A, E, R>
  ) => Guarded<A, E, R, Identity.AuthenticatedUser<Key> | Identity.FreshUser<Key>>
  readonly isAuthenticated: (user: Identity.Anonymous | User) => user is User
  /**
   * Logs `user` in (Flask's `login_user`): `false` and no change when the user
   * is inactive and the login is not forced. The session gets a new identity.
   */
  readonly login: (
    user: User,
    options?: Session.LoginOptions
  ) => Effect.Effect<boolean, LoginError.SessionTooLarge | LoginError.SessionStoreError, Session.Session>
  /**
   * Logs out (Flask's `logout_user`), keeping the application's data, and
   * ends this browser's remember token. Harmless when nobody is logged in.
   */
  readonly logout: Effect.Effect<void, LoginError.SessionStoreError, Session.Session>
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
  /**
   * Flask-Login's `LOGIN_DISABLED`, for tests: routes behind `loginRequired`
   * see `standIn` instead of refusing. The Layer's type shows
   * `Identity.LoginDisabled`, and building it logs a warning, so that it
   * cannot go unnoticed in a production wiring.
   */
  readonly layerLoginDisabled: (standIn: User) => Layer.Layer<Identity.LoginDisabled>
  /**
   * Unit tests of handlers, with no session cookie, clock or store: `user` is
   * logged in (fresh unless `fresh: false`), as `CurrentUser`,
   * `AuthenticatedUser` and `FreshUser`.
   */
  readonly layerTest: {
    (user: User, options: { readonly fresh: false; readonly remembered?: boolean | undefined }): Layer.Layer<
      Session.Session | Identity.AuthenticatedUser<Key>
    >
    (
      user: User,
      options?: { readonly fresh?: true | undefined; readonly remembered?: boolean | undefined }
    ): Layer.Layer<
      Session.Session | Identity.AuthenticatedUser<Key> | Identity.FreshUser<Key>
    >
  }
  /** The `UserLoader` of a fixed set of users, for tests and examples. */
  readonly layerMemory: (users: Iterable<User>) => Layer.Layer<UserLoader>
}

/**
 * What {@link make} says when its user type is `any` (an untyped ORM row, a
 * `JSON.parse`): `CurrentUser` would be `any` too, and reading a field of a
 * possibly anonymous user would compile.
 *
 * @since 0.2.0
 * @category models
 */
export interface UserTypeIsAny {
  readonly "effect-login: the user type is any; give `id` a typed parameter, as in `id: (user: User) => user.id`": never
}

/**
 * What {@link make} says when its key is a `string` rather than a literal:
 * two declarations could not be told apart.
 *
 * @since 0.2.0
 * @category models
 */
export interface KeyIsNotALiteral {
  readonly "effect-login: the key of UserLoader.make must be a string literal, such as \"app/Users\"": never
}

/**
 * The options of {@link make}.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options<User> {
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
}

type Checked<Key extends string, User> =
  & (0 extends 1 & User ? UserTypeIsAny : unknown)
  & (string extends Key ? KeyIsNotALiteral : unknown)

/**
 * Declares the application's user type once, under a key of its own (as an
 * Effect service is declared); everything else is inferred. The services,
 * guards and Layers of one declaration do not mix with another's: a handler
 * typed with the admins' `AuthenticatedUser` does not compile behind the
 * users' `loginRequired`.
 *
 * @example
 * ```ts
 * import { Effect, Option } from "effect"
 * import { UserLoader } from "@effect-login/effect4"
 *
 * interface User { readonly id: string; readonly name: string; readonly active: boolean }
 * const users = new Map<string, User>()
 *
 * export const { AuthenticatedUser, CurrentUser, layer, login, loginRequired } = UserLoader.make("app/Users", {
 *   id: (user: User) => user.id,
 *   isActive: (user) => user.active
 * })
 * export const UsersLive = layer((id) => Effect.succeed(Option.fromNullishOr(users.get(id))))
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = <const Key extends string, User>(
  key: Key,
  options: Options<User> & Checked<Key, User>
): Users<Key, User> => {
  const isActive: (user: User) => boolean = options.isActive ?? (() => true)
  const isAuthenticated = (user: Identity.Anonymous | User): user is User => !Identity.isAnonymous(user)
  const tags = guard.tags<Key, User>(key)
  const loaded = { key, id: options.id, isActive, securityStamp: options.securityStamp }
  return {
    key,
    AuthenticatedUser: tags.authenticated,
    FreshUser: tags.fresh,
    CurrentUser: Effect.flatMap(
      Session.Session,
      (session) => Effect.map(session.user, Option.getOrElse(() => Identity.anonymous))
    ) as Users<Key, User>["CurrentUser"],
    loginRequired: guard.loginRequired(key),
    freshLoginRequired: guard.freshLoginRequired(key),
    isAuthenticated,
    login: (user, loginOptions) => Effect.flatMap(Session.Session, (session) => session.login(user, loginOptions)),
    logout: Effect.flatMap(Session.Session, (session) => session.logout),
    layer: (load, layerOptions) => layer(load, layerOptions?.requestLoaders ?? [], loaded),
    layerLoginDisabled: (standIn) =>
      Layer.effect(
        Identity.LoginDisabled,
        Effect.as(
          Effect.logWarning(
            `effect-login: LOGIN DISABLED for UserLoader.make("${key}"): every route behind loginRequired ` +
              "lets anonymous requests through as a stand-in user. Use this Layer in tests only."
          ),
          standIn as unknown
        )
      ),
    layerTest:
      ((user: User, testOptions?: { readonly fresh?: boolean; readonly remembered?: boolean }) =>
        testSession.layerUser(tags, user, testOptions)) as Users<Key, User>["layerTest"],
    layerMemory: (users) => {
      const byId = new Map(Array.from(users, (user) => [options.id(user), user] as const))
      return layer((id) => Effect.succeed(Option.fromNullishOr(byId.get(id))), [], loaded)
    }
  }
}

// Defects too: a loader that throws is an unavailable store, not a 500 with a stack trace.
const toUserLoaderError = (what: string) => (cause: Cause.Cause<unknown>): Effect.Effect<never, UserLoaderError> =>
  Cause.hasInterruptsOnly(cause)
    ? Effect.interrupt
    : Effect.logError(`effect-login: ${what} failed`, cause).pipe(
      Effect.andThen(Effect.fail(new UserLoaderError({ cause: Cause.squash(cause) })))
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
    : loaded.pipe(Effect.provide(context), Effect.catchCause(toUserLoaderError(what)))

const layer = <User, E, R, RL>(
  load: (id: string) => Effect.Effect<Option.Option<User>, E, R>,
  requestLoaders: ReadonlyArray<RequestLoader.RequestLoader<User, RL>>,
  user: {
    readonly key: string
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
        key: user.key,
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
