/**
 * The login manager (Flask-Login's `LoginManager`): the Layer an application
 * provides once (its options are in `LoginOptions`), and the middleware that
 * gives every request its session.
 *
 * @since 0.2.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Cookies from "effect/http/Cookies"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as loginOptionsCore from "../../src/core/loginOptions.js"
import * as sessionProtection from "../../src/core/sessionProtection.js"
import type * as Identity from "./Identity.js"
import * as internal from "./internal/loginManager.js"
import * as sessionService from "./internal/sessionService.js"
import type * as LoginError from "./LoginError.js"
import { LoginConfigError } from "./LoginError.js"
import type * as LoginEvents from "./LoginEvents.js"
import type * as LoginOptions from "./LoginOptions.js"
import type * as Session from "./Session.js"
import * as SessionStore from "./SessionStore.js"
import type { UserLoader } from "./UserLoader.js"

/**
 * Marks the login manager service.
 *
 * @since 0.2.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("effect-login/LoginManager")

/**
 * The type of {@link TypeId}.
 *
 * @since 0.2.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * The login manager service: the session of each request, and cookies issued for tests and tools.
 *
 * @since 0.2.0
 * @category models
 */
export interface LoginManager {
  readonly [TypeId]: TypeId
  /**
   * The session of a request: made on first use, then the same for every
   * middleware and handler of that request, and written back once by the
   * pre-response step.
   */
  readonly sessionFor: (request: HttpServerRequest.HttpServerRequest) => Effect.Effect<Session.Session>
  /**
   * The session cookie of a login of `user`, made without a request: for
   * test clients and tools. It is bound to the first client that uses it.
   */
  readonly issueSessionCookie: (
    user: unknown,
    options?: { readonly fresh?: boolean | undefined }
  ) => Effect.Effect<Cookies.Cookie, LoginError.SessionStoreError>
}

/**
 * The tag of the `LoginManager` service.
 *
 * @since 0.2.0
 * @category tags
 */
export const LoginManager: Context.Service<LoginManager, LoginManager> = Context.Service<LoginManager>(
  "effect-login/LoginManager"
)

/**
 * The smallest secret accepted, in bytes: a 256-bit key.
 *
 * @since 0.2.0
 * @category constants
 */
export const minSecretBytes = loginOptionsCore.minSecretBytes

/**
 * Builds the login manager. Fails when a secret is missing or shorter than
 * 32 bytes, or when the cookie options are invalid, so that a weak
 * configuration never starts serving.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (
  options: LoginOptions.Options
): Effect.Effect<LoginManager, LoginConfigError, UserLoader | LoginEvents.LoginEvents> =>
  internal.make(options, undefined)

/**
 * Builds the login manager with sessions in the `SessionStore`: the cookie
 * carries only a random id. Fails when the expiry policy does not hold
 * together (a touch interval shorter than the idle timeout, an idle timeout
 * not longer than the absolute one).
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeStore = (
  options: LoginOptions.StoreOptions
): Effect.Effect<LoginManager, LoginConfigError, UserLoader | LoginEvents.LoginEvents | SessionStore.SessionStore> =>
  Effect.flatMap(SessionStore.SessionStore, (store) => {
    const policy = SessionStore.expiryPolicy(options.expiry)
    return Result.isFailure(policy)
      ? new LoginConfigError({ message: `Invalid session expiry: ${policy.failure}` })
      : internal.make(options, {
        store,
        policy: policy.success,
        maxBytes: options.maxSessionBytes ?? 16_384,
        maxPerUser: options.maxSessionsPerUser ?? 100
      })
  })

/**
 * The Layer of a login manager with server-side sessions, in the
 * `SessionStore` the application provides (`SessionStore.layerMemory`,
 * `SessionStore.layerKeyValueStore`, `RedisStore.layer`).
 *
 * @example
 * ```ts
 * import { Effect, Layer, Option, Redacted } from "effect"
 * import { LoginManager, SessionStore, UserLoader } from "@effect-login/effect4"
 *
 * interface User {
 *   readonly id: string
 * }
 * const Users = UserLoader.make("example/Users", { id: (user: User) => user.id })
 *
 * // Sessions on the server (here in memory: one instance); the cookie carries a random id.
 * export const LoginLive = LoginManager.layerStore({
 *   secretKey: Redacted.make("a-secret-of-at-least-32-bytes-0123456789"),
 *   expiry: { idleTimeout: "2 hours", absoluteTimeout: "7 days", touchInterval: "1 minute" }
 * }).pipe(
 *   Layer.provide(SessionStore.layerMemory()),
 *   Layer.provide(Users.layer((id) => Effect.succeed(Option.some({ id }))))
 * )
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerStore = (
  options: LoginOptions.StoreOptions
): Layer.Layer<LoginManager | LoginEvents.LoginEvents, LoginConfigError, UserLoader | SessionStore.SessionStore> =>
  internal.layer(makeStore(options))

/**
 * Identifies the client for session protection: an HMAC, keyed by a key
 * derived from the secret, of its IP and User-Agent (neither is kept in the
 * clear in the cookie, nor can be recovered from it offline).
 *
 * @since 0.2.0
 * @category constructors
 */
export const clientIdentifier = (
  request: HttpServerRequest.HttpServerRequest,
  options: { readonly secretKey: Redacted.Redacted; readonly trustedProxies?: number | undefined }
): string =>
  sessionProtection.clientIdentifier(
    options.trustedProxies ?? 0,
    sessionProtection.clientKey(Redacted.value(options.secretKey))
  )(request)

/**
 * The Layer an application provides once (its `LoginLive`): the login manager
 * and the hub of its events.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Option, Redacted } from "effect"
 * import { LoginManager, UserLoader } from "@effect-login/effect4"
 *
 * interface User {
 *   readonly id: string
 * }
 * const Users = UserLoader.make("example/Users", { id: (user: User) => user.id })
 *
 * // Sessions in a signed cookie; anonymous visitors of guarded routes are sent to /login.
 * export const LoginLive = LoginManager.layer({
 *   secretKey: Redacted.make("a-secret-of-at-least-32-bytes-0123456789"),
 *   loginView: "/login"
 * }).pipe(Layer.provide(Users.layer((id) => Effect.succeed(Option.some({ id })))))
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (
  options: LoginOptions.Options
): Layer.Layer<LoginManager | LoginEvents.LoginEvents, LoginConfigError, UserLoader> => internal.layer(make(options))

/**
 * The configuration read by {@link layerConfig} when none is given: every
 * option, from the environment (the keys of Flask-Login where it has one).
 * docs/configuration.md lists them with their defaults.
 *
 * @since 0.2.0
 * @category layers
 */
export const defaultConfig: Config.Config<LoginOptions.Options> = internal.defaultConfig

/**
 * The Layer, configured from `Config` (by default {@link defaultConfig}: the
 * environment). A missing or unusable setting fails at start-up with a message
 * that names the key to set.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Option } from "effect"
 * import { LoginManager, UserLoader } from "@effect-login/effect4"
 *
 * interface User {
 *   readonly id: string
 * }
 * const Users = UserLoader.make("example/Users", { id: (user: User) => user.id })
 *
 * // SECRET_KEY, LOGIN_VIEW, SESSION_COOKIE_SECURE… from the environment; without SECRET_KEY the Layer fails
 * // with a LoginConfigError that says what to set.
 * export const LoginLive = LoginManager.layerConfig().pipe(
 *   Layer.provide(Users.layer((id) => Effect.succeed(Option.some({ id }))))
 * )
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Wrap<LoginOptions.Options> = defaultConfig
): Layer.Layer<LoginManager | LoginEvents.LoginEvents, LoginConfigError, UserLoader> =>
  Layer.unwrap(
    Config.unwrap(config).pipe(
      Effect.mapError(internal.configError),
      Effect.map(layer)
    )
  )

/**
 * What {@link middleware} says of an app with a route that still needs the
 * authenticated or fresh user: a handler mounted without its guard.
 *
 * @since 0.2.0
 * @category models
 */
export interface RouteNeedsUser {
  readonly "effect-login: a route needs AuthenticatedUser or FreshUser: wrap it (or its router) in loginRequired or freshLoginRequired":
    never
}

type UserServices = Identity.AuthenticatedUser<any> | Identity.FreshUser<any>

// Said at the router, where the guard is missing, rather than at `Layer.launch` as "not assignable
// to never". The result drops the user services: with none left (the only way to compile) that
// changes nothing, and with some left the error here is the one to read, not a second at launch.
type Guarded<R> = [Extract<R, UserServices>] extends [never] ? unknown : RouteNeedsUser

/**
 * Gives every request of `app` its `Session`, and writes the session cookie
 * back in one pre-response step (so it also happens on error responses).
 * Nothing is decoded before a handler asks, and nothing is written when
 * nothing changed.
 *
 * A plain generic function on purpose: typed as `HttpMiddleware` it would
 * erase the app's requirements, and with them the compile-time guarantee of
 * `loginRequired`. An app with a route that still needs the user (its guard
 * forgotten) does not compile here, with {@link RouteNeedsUser} as the reason.
 *
 * @example
 * ```ts
 * import { LoginManager, UserLoader } from "@effect-login/effect4"
 * import { Effect } from "effect"
 * import { HttpRouter, HttpServerResponse } from "effect/http"
 *
 * interface User {
 *   readonly id: string
 * }
 * const { AuthenticatedUser, loginRequired } = UserLoader.make("example/Users", { id: (user: User) => user.id })
 *
 * const Routes = HttpRouter.add(
 *   "GET",
 *   "/me",
 *   Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(user.id)).pipe(loginRequired)
 * )
 * // Around every route, where they are served (or `LoginManager.middleware(yield* HttpRouter.toHttpEffect(Routes))`).
 * export const server = HttpRouter.serve(Routes, { middleware: LoginManager.middleware })
 * ```
 *
 * @since 0.2.0
 * @category middleware
 */
export const middleware = <E, R>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R> & Guarded<R>
): Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  E,
  Exclude<R, Session.Session | UserServices> | LoginManager | HttpServerRequest.HttpServerRequest
> =>
  sessionService.enter(app) as Effect.Effect<
    HttpServerResponse.HttpServerResponse,
    E,
    Exclude<R, Session.Session | UserServices> | LoginManager | HttpServerRequest.HttpServerRequest
  >

/**
 * The session of the current request (see `LoginManager.sessionFor`); what
 * every integration's middleware provides as `Session`.
 *
 * @since 0.2.0
 * @category accessors
 */
export const currentSession: Effect.Effect<Session.Session, never, LoginManager | HttpServerRequest.HttpServerRequest> =
  Effect.flatMap(
    LoginManager,
    (manager) => Effect.flatMap(HttpServerRequest.HttpServerRequest, manager.sessionFor)
  )
