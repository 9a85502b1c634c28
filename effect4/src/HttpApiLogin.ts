/**
 * effect-login on `HttpApi`: middleware services that give endpoints the
 * session and the authenticated user, declared through `HttpApiSecurity` so
 * that the OpenAPI document shows how to authenticate, and schema'd 401 / 503
 * errors that `HttpApiClient` decodes.
 *
 * An HttpApi middleware of this module provides one service: an endpoint that
 * needs both the `FreshUser` and the `AuthenticatedUser`, or the user and the
 * `Session` (to log out), lists both middleware services.
 *
 * Effect 4's `HttpApiMiddleware.Service` takes the service it provides as a
 * type parameter; {@link Service} is the same constructor, reading it from the
 * options of {@link loginRequired}, {@link freshLoginRequired} and
 * {@link authentication}.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Schema } from "effect"
 * import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "effect/http-api"
 * import { HttpApiLogin, UserLoader } from "@effect-login/effect4"
 *
 * interface User { readonly id: string; readonly name: string }
 * const Users = UserLoader.make("example/Users", { id: (user: User) => user.id })
 *
 * // A middleware of the application's own, for its user type.
 * class LoginRequired extends HttpApiLogin.Service<LoginRequired>()(
 *   "example/LoginRequired",
 *   HttpApiLogin.loginRequired(Users, { session: HttpApiLogin.sessionCookie() })
 * ) {}
 *
 * class Api extends HttpApi.make("api").add(
 *   HttpApiGroup.make("me")
 *     .add(HttpApiEndpoint.get("me", "/me", { success: Schema.String }))
 *     .middleware(LoginRequired)
 * ) {}
 *
 * export const MeLive = HttpApiBuilder.group(Api, "me", (handlers) =>
 *   handlers.handle("me", () => Effect.map(Users.AuthenticatedUser, (user) => user.name))
 * ).pipe(Layer.provide(HttpApiLogin.layerLoginRequired(LoginRequired)))
 * ```
 *
 * @since 0.2.0
 */
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HttpApiMiddleware from "effect/http-api/HttpApiMiddleware"
import * as HttpApiSecurity from "effect/http-api/HttpApiSecurity"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Types from "effect/Types"
import * as Identity from "./Identity.js"
import * as guard from "./internal/guard.js"
import * as refusal from "./internal/refusal.js"
import { RequestSession } from "./internal/requestSession.js"
import type * as LoginEvents from "./LoginEvents.js"
import * as LoginManager from "./LoginManager.js"
import * as Session from "./Session.js"

import { SessionStoreError } from "./LoginError.js"
import * as LoginError from "./LoginError.js"
import type * as UserLoader from "./UserLoader.js"

/**
 * The session cookie as an OpenAPI security scheme (`apiKey` in a cookie).
 * It documents the cookie's name: the default is the default name of a
 * Secure session cookie, `__Host-session`; pass yours when it is another
 * (`cookie.name`, or `"session"` for a cookie that is not Secure).
 *
 * @since 0.2.0
 * @category security
 */
export const sessionCookie = (name = "__Host-session"): HttpApiSecurity.ApiKey =>
  HttpApiSecurity.apiKey({ in: "cookie", key: name })

/**
 * Nobody is logged in (401).
 *
 * @since 0.2.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>("effect-login/HttpApi/Unauthorized")(
  "Unauthorized",
  { message: Schema.String },
  { httpApiStatus: 401, description: "Not logged in" }
) {}

/**
 * Logged in, but the route wants a fresh login (401).
 *
 * @since 0.2.0
 * @category errors
 */
export class NeedsRefresh extends Schema.TaggedError<NeedsRefresh>("effect-login/HttpApi/NeedsRefresh")(
  "NeedsRefresh",
  { message: Schema.String },
  { httpApiStatus: 401, description: "A fresh login is required" }
) {}

/**
 * The user store failed (503): neither "anonymous" nor a 500 with a stack trace.
 *
 * @since 0.2.0
 * @category errors
 */
export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>(
  "effect-login/HttpApi/ServiceUnavailable"
)(
  "ServiceUnavailable",
  { message: Schema.String },
  { httpApiStatus: 503, description: "The user store is unavailable" }
) {}

/**
 * The security schemes of a middleware, by name.
 *
 * @since 0.2.0
 * @category models
 */
export type Security = Record<string, HttpApiSecurity.HttpApiSecurity>

/**
 * The options of a middleware of this module: what {@link Service} (or
 * `HttpApiMiddleware.Service`) takes, with the tag of the service it provides.
 *
 * @since 0.2.0
 * @category options
 */
export interface Options<Provides, Shape, Error extends Schema.Top | ReadonlyArray<Schema.Top>, S extends Security> {
  readonly provides: Context.Key<Provides, Shape>
  readonly error: Error
  readonly security: S
}

// What each middleware's security record was made for, so that the Layer that implements a middleware
// can check, when it is built, that it provides the service the middleware declares. Keyed by the
// record, which `HttpApiMiddleware.Service` keeps as the middleware's `security`.
const declarations = new WeakMap<object, Context.Key<any, any>>()

const declare = <S extends Security>(security: S, provides: Context.Key<any, any>): S => {
  const copy = { ...security }
  declarations.set(copy, provides)
  return copy
}

/**
 * Declares an HttpApi middleware service: `HttpApiMiddleware.Service`, with
 * the service it provides read from the options ({@link loginRequired},
 * {@link freshLoginRequired}, {@link authentication}) rather than written as
 * a type parameter.
 *
 * @since 0.2.0
 * @category constructors
 */
export const Service = <Self>() =>
<
  const Id extends string,
  Provides,
  Shape,
  const Error extends Schema.Top | ReadonlyArray<Schema.Top>,
  const S extends Security
>(
  id: Id,
  options: Options<Provides, Shape, Error, S>
): HttpApiMiddleware.ServiceClass<Self, Id, {
  requires: never
  provides: Provides
  error: Error
  clientError: never
  requiredForClient: false
  security: S
}> => HttpApiMiddleware.Service<Self, { provides: Provides }>()(id, options)

/**
 * The options of an authentication middleware: it provides the `Session` (so
 * `CurrentUser`, `login` and `logout` work), never fails, and declares
 * `security` in the OpenAPI document. Add the schemes of your request loaders
 * (bearer, API key) beside the session cookie.
 *
 * @since 0.2.0
 * @category options
 */
export const authentication = <const S extends Security>(
  security: S
): Options<Session.Session, Session.Session, typeof ServiceUnavailable, S> => ({
  provides: Session.Session,
  error: ServiceUnavailable,
  security: declare(security, Session.Session)
})

/**
 * Answers a failing user store or session store with `ServiceUnavailable`
 * (503), the error endpoints behind these middleware declare: for handlers
 * that log in or out, or read the session.
 *
 * @since 0.2.0
 * @category combinators
 */
export const orServiceUnavailable = <A, E, R>(
  self: Effect.Effect<A, E, R>
): Effect.Effect<A, Exclude<E, Extract<E, LoginError.UserLoaderError | SessionStoreError>> | ServiceUnavailable, R> =>
  Effect.mapError(
    self,
    (error) =>
      error instanceof LoginError.UserLoaderError || error instanceof SessionStoreError
        ? new ServiceUnavailable({ message: "The user or session store is unavailable" })
        : error
  ) as Effect.Effect<A, Exclude<E, Extract<E, LoginError.UserLoaderError | SessionStoreError>> | ServiceUnavailable, R>

/**
 * The options of a login-required middleware for the users of one
 * declaration: it provides their `AuthenticatedUser`, or fails with
 * `Unauthorized` or `ServiceUnavailable`.
 *
 * @since 0.2.0
 * @category options
 */
export const loginRequired = <Key extends string, User, const S extends Security>(
  users: UserLoader.Users<Key, User>,
  security: S
): Options<
  Identity.AuthenticatedUser<Key>,
  Identity.Authenticated<User>,
  readonly [typeof Unauthorized, typeof ServiceUnavailable],
  S
> => ({
  provides: users.AuthenticatedUser,
  error: [Unauthorized, ServiceUnavailable],
  security: declare(security, users.AuthenticatedUser)
})

/**
 * The options of a fresh-login-required middleware for the users of one
 * declaration: it provides their `FreshUser`, or fails with `Unauthorized`,
 * `NeedsRefresh` or `ServiceUnavailable`.
 *
 * @since 0.2.0
 * @category options
 */
export const freshLoginRequired = <Key extends string, User, const S extends Security>(
  users: UserLoader.Users<Key, User>,
  security: S
): Options<
  Identity.FreshUser<Key>,
  Identity.Fresh<User>,
  readonly [typeof Unauthorized, typeof NeedsRefresh, typeof ServiceUnavailable],
  S
> => ({
  provides: users.FreshUser,
  error: [Unauthorized, NeedsRefresh, ServiceUnavailable],
  security: declare(security, users.FreshUser)
})

/**
 * Gives endpoints the `Session`; anonymous requests are welcome.
 *
 * @since 0.2.0
 * @category tags
 */
export class Authentication extends Service<Authentication>()(
  "effect-login/HttpApi/Authentication",
  authentication({ session: sessionCookie() })
) {}

/**
 * What a middleware service must declare for a Layer of this module to
 * implement it: the service it provides, and at least the errors the Layer
 * fails with.
 *
 * @since 0.2.0
 * @category models
 */
export interface MiddlewareNeeds<Provides, Error> {
  readonly "effect-login: this middleware must provide": Provides
  readonly "and declare the errors": Error
}

// The middleware `I` provides exactly `Provides` and declares every error of `Error`; otherwise the
// argument meets a property it cannot have, and the message names what was expected.
type Checked<I, Provides, Error> = [HttpApiMiddleware.Provides<I>] extends [Provides]
  ? [Provides] extends [HttpApiMiddleware.Provides<I>]
    ? [Error] extends [HttpApiMiddleware.Error<I>] ? unknown : MiddlewareNeeds<Provides, Error>
  : MiddlewareNeeds<Provides, Error>
  : MiddlewareNeeds<Provides, Error>

/**
 * A security middleware service, as the Layers of this module take it.
 *
 * @since 0.2.0
 * @category models
 */
export type SecurityService<I, S extends Security> = Context.Key<I, unknown> & { readonly security: S }

// Every scheme of a middleware runs the same check: the session and the request loaders read the
// request themselves. HttpApi tries the schemes in order until one succeeds; only the first
// publishes events, so that a refusal is one event however many schemes were tried.
const implement = <I, A, E>(
  tag: SecurityService<I, Security>,
  provides: Context.Key<any, any>,
  check: (
    first: boolean
  ) => Effect.Effect<A, E, HttpServerRequest.HttpServerRequest | LoginManager.LoginManager | LoginEvents.LoginEvents>
): Layer.Layer<I, never, LoginManager.LoginManager | LoginEvents.LoginEvents> =>
  Layer.effect(
    tag as Context.Key<I, any>,
    Effect.map(Effect.context<LoginManager.LoginManager | LoginEvents.LoginEvents>(), (context) => {
      const schemes = Object.keys(tag.security)
      const handlers: Record<
        string,
        (
          httpEffect: Effect.Effect<HttpServerResponse.HttpServerResponse, Types.unhandled, any>
        ) => Effect.Effect<HttpServerResponse.HttpServerResponse, unknown, HttpServerRequest.HttpServerRequest>
      > = {}
      for (const scheme of schemes) {
        const run = Effect.provide(check(scheme === schemes[0]), context)
        handlers[scheme] = (httpEffect) =>
          Effect.flatMap(run, (value) => Effect.provideService(httpEffect, provides, value))
      }
      return handlers
    })
  )

const sessionOfRequest = Effect.flatMap(
  HttpServerRequest.HttpServerRequest,
  (request) => Effect.flatMap(LoginManager.LoginManager, (manager) => manager.sessionFor(request))
)

type Kind = "Authentication" | "AuthenticatedUser" | "FreshUser"

const layerNames = {
  Authentication: ["layerAuthentication", "authentication"],
  AuthenticatedUser: ["layerLoginRequired", "loginRequired"],
  FreshUser: ["layerFreshLoginRequired", "freshLoginRequired"]
} as const

// The service a middleware provides, from the record its options declared (see `declare`), checked
// against the kind the Layer implements; for a user, the key of its declaration (see internal/guard.ts).
const declared = (tag: SecurityService<unknown, Security>, kind: Kind): Context.Key<any, any> => {
  const provides = declarations.get(tag.security)
  const expected = kind === "Authentication" ? Session.Session.key : `effect-login/${kind}/`
  if (
    provides === undefined ||
    !(kind === "Authentication" ? provides.key === expected : provides.key.startsWith(expected))
  ) {
    const [layer, options] = layerNames[kind]
    throw new Error(
      `effect-login: HttpApiLogin.${layer} needs a middleware made with HttpApiLogin.${options}; ` +
        (provides === undefined ? `${tag.key} was not` : `${tag.key} provides ${provides.key}`)
    )
  }
  return provides
}

const authenticated = (session: Session.Session, key: string) =>
  Effect.flatMap(Effect.context<never>(), (context) =>
    guard.wrongLoader(key, context) ?? Effect.flatMap(
      orServiceUnavailable(session.authenticated),
      (user) =>
        Option.isSome(user)
          ? Effect.succeed(user)
          // Flask's LOGIN_DISABLED, for tests: the stand-in user passes.
          : Effect.serviceOption(Identity.LoginDisabled)
    ))

// The same events and messages as the router's refusals (internal/refusal.ts), answered as schema errors.
const refusals = { Unauthorized, NeedsRefresh } as const

const refuse = <K extends refusal.Kind>(session: Session.Session, first: boolean, kind: K) =>
  Effect.suspend(() => {
    if (first && session instanceof RequestSession) session.announce(kind)
    return Effect.fail(new refusals[kind]({ message: refusal.messages[kind] }) as InstanceType<typeof refusals[K]>)
  })

/**
 * Implements an {@link authentication} middleware. A middleware that provides
 * anything else than the `Session` does not compile.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerAuthentication = <I, S extends Security>(
  tag: SecurityService<I, S> & Checked<I, Session.Session, ServiceUnavailable>
): Layer.Layer<I, never, LoginManager.LoginManager | LoginEvents.LoginEvents> =>
  implement(tag, declared(tag, "Authentication"), () => sessionOfRequest)

/**
 * Implements a {@link loginRequired} middleware. A middleware that provides
 * anything else than a declaration's `AuthenticatedUser` (its `FreshUser`,
 * the `Session`) does not compile.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerLoginRequired = <I, S extends Security>(
  tag:
    & SecurityService<I, S>
    & Checked<I, Identity.AuthenticatedUser<DeclaredKey<I>>, Unauthorized | ServiceUnavailable>
): Layer.Layer<I, never, LoginManager.LoginManager | LoginEvents.LoginEvents> => {
  const provides = declared(tag, "AuthenticatedUser")
  const key = provides.key.slice("effect-login/AuthenticatedUser/".length)
  return implement(tag, provides, (first) =>
    Effect.gen(function*() {
      const session = yield* sessionOfRequest
      const user = yield* authenticated(session, key)
      if (Option.isSome(user)) return user.value
      return yield* refuse(session, first, "Unauthorized")
    }))
}

/**
 * Implements a {@link freshLoginRequired} middleware. A middleware that
 * provides anything else than a declaration's `FreshUser` does not compile.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerFreshLoginRequired = <I, S extends Security>(
  tag:
    & SecurityService<I, S>
    & Checked<I, Identity.FreshUser<DeclaredKey<I>>, Unauthorized | NeedsRefresh | ServiceUnavailable>
): Layer.Layer<I, never, LoginManager.LoginManager | LoginEvents.LoginEvents> => {
  const provides = declared(tag, "FreshUser")
  const key = provides.key.slice("effect-login/FreshUser/".length)
  return implement(tag, provides, (first) =>
    Effect.gen(function*() {
      const session = yield* sessionOfRequest
      const user = yield* authenticated(session, key)
      if (Option.isNone(user)) {
        return yield* refuse(session, first, "Unauthorized")
      }
      if (
        Option.isSome(yield* Effect.serviceOption(Identity.LoginDisabled)) ||
        (yield* orServiceUnavailable(session.isFresh))
      ) {
        return user.value
      }
      return yield* refuse(session, first, "NeedsRefresh")
    }))
}

// The key of the user declaration whose service the middleware `I` provides (`string` for any other).
type DeclaredKey<I> = HttpApiMiddleware.Provides<I> extends Identity.AuthenticatedUser<infer Key> ? Key
  : HttpApiMiddleware.Provides<I> extends Identity.FreshUser<infer Key> ? Key
  : string

/**
 * The ready-made {@link Authentication} middleware, implemented.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer: Layer.Layer<Authentication, never, LoginManager.LoginManager | LoginEvents.LoginEvents> =
  layerAuthentication(Authentication)
