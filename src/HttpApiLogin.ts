/**
 * effect-login on `HttpApi`: middleware tags that give endpoints the session
 * and the authenticated user, declared through `HttpApiSecurity` so that the
 * OpenAPI document shows how to authenticate, and schema'd 401 / 503 errors
 * that `HttpApiClient` decodes.
 *
 * An HttpApi middleware provides one service: an endpoint that needs both the
 * `FreshUser` and the `AuthenticatedUser`, or the user and the `Session` (to
 * log out), lists both middleware tags.
 *
 * @example
 * ```ts
 * import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware } from "@effect/platform"
 * import { Effect, Layer, Schema } from "effect"
 * import { HttpApiLogin, UserLoader } from "effect-login"
 *
 * interface User { readonly id: string; readonly name: string }
 * const Users = UserLoader.make("example/Users", { id: (user: User) => user.id })
 *
 * // A tag of the application's own, for its user type.
 * class LoginRequired extends HttpApiMiddleware.Tag<LoginRequired>()(
 *   "example/LoginRequired",
 *   HttpApiLogin.loginRequired(Users, { session: HttpApiLogin.sessionCookie() })
 * ) {}
 *
 * class Api extends HttpApi.make("api").add(
 *   HttpApiGroup.make("me")
 *     .add(HttpApiEndpoint.get("me", "/me").addSuccess(Schema.String))
 *     .middleware(LoginRequired)
 * ) {}
 *
 * export const MeLive = HttpApiBuilder.group(Api, "me", (handlers) =>
 *   handlers.handle("me", () => Effect.map(Users.AuthenticatedUser, (user) => user.name))
 * ).pipe(Layer.provide(HttpApiLogin.layerLoginRequired(LoginRequired)))
 * ```
 *
 * @since 0.1.0
 */
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
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
 * @since 0.1.0
 * @category security
 */
export const sessionCookie = (name = "__Host-session"): HttpApiSecurity.ApiKey =>
  HttpApiSecurity.apiKey({ in: "cookie", key: name })

/**
 * Nobody is logged in (401).
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>("effect-login/HttpApi/Unauthorized")(
  "Unauthorized",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 401, description: "Not logged in" })
) {}

/**
 * Logged in, but the route wants a fresh login (401).
 *
 * @since 0.1.0
 * @category errors
 */
export class NeedsRefresh extends Schema.TaggedError<NeedsRefresh>("effect-login/HttpApi/NeedsRefresh")(
  "NeedsRefresh",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 401, description: "A fresh login is required" })
) {}

/**
 * The user store failed (503): neither "anonymous" nor a 500 with a stack trace.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>(
  "effect-login/HttpApi/ServiceUnavailable"
)(
  "ServiceUnavailable",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 503, description: "The user store is unavailable" })
) {}

/**
 * The options of an authentication middleware tag: it provides the
 * `Session` (so `CurrentUser`, `login` and `logout` work), never fails, and
 * declares `security` in the OpenAPI document. Add the schemes of your
 * request loaders (bearer, API key) beside the session cookie.
 *
 * @since 0.1.0
 * @category options
 */
export const authentication = <const Security extends Record<string, HttpApiSecurity.HttpApiSecurity>>(
  security: Security
) => ({ provides: Session.Session, failure: ServiceUnavailable, security }) as const

/**
 * Answers a failing user store or session store with `ServiceUnavailable`
 * (503), the error endpoints behind these middleware declare: for handlers
 * that log in or out, or read the session.
 *
 * @since 0.1.0
 * @category combinators
 */
export const orServiceUnavailable = <A, E, R>(
  self: Effect.Effect<A, E, R>
): Effect.Effect<A, Exclude<E, Extract<E, LoginError.UserLoaderError | SessionStoreError>> | ServiceUnavailable, R> =>
  Effect.catchIf(
    self,
    (error): error is Extract<E, LoginError.UserLoaderError | SessionStoreError> =>
      error instanceof LoginError.UserLoaderError || error instanceof SessionStoreError,
    () => Effect.fail(new ServiceUnavailable({ message: "The user or session store is unavailable" }))
  )

/**
 * The options of a login-required middleware tag for the users of one
 * declaration: it provides their `AuthenticatedUser`, or fails with
 * `Unauthorized` or `ServiceUnavailable`.
 *
 * @since 0.1.0
 * @category options
 */
export const loginRequired = <
  Key extends string,
  User,
  const Security extends Record<string, HttpApiSecurity.HttpApiSecurity>
>(users: UserLoader.Users<Key, User>, security: Security) =>
  ({
    provides: users.AuthenticatedUser,
    failure: Schema.Union(Unauthorized, ServiceUnavailable),
    security
  }) as const

/**
 * The options of a fresh-login-required middleware tag for the users of one
 * declaration: it provides their `FreshUser`, or fails with `Unauthorized`,
 * `NeedsRefresh` or `ServiceUnavailable`.
 *
 * @since 0.1.0
 * @category options
 */
export const freshLoginRequired = <
  Key extends string,
  User,
  const Security extends Record<string, HttpApiSecurity.HttpApiSecurity>
>(users: UserLoader.Users<Key, User>, security: Security) =>
  ({
    provides: users.FreshUser,
    failure: Schema.Union(Unauthorized, NeedsRefresh, ServiceUnavailable),
    security
  }) as const

/**
 * Gives endpoints the `Session`; anonymous requests are welcome.
 *
 * @since 0.1.0
 * @category tags
 */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()(
  "effect-login/HttpApi/Authentication",
  authentication({ session: sessionCookie() })
) {}

/**
 * A middleware tag with `HttpApiSecurity` schemes, whose handlers give `A` or fail with `E`, and
 * (when `Provides` is a tag) provide it.
 */
type SecurityTag<I, Security extends Record<string, HttpApiSecurity.HttpApiSecurity>, A, E, Provides> =
  & Context.Tag<I, HttpApiMiddleware.HttpApiMiddlewareSecurity<Security, A, E>>
  & { readonly security: Security; readonly provides: Provides }

// Every scheme of a tag runs the same check: the session and the request loaders read the
// request themselves. HttpApi tries the schemes in order until one succeeds; only the first
// publishes events, so that a refusal is one event however many schemes were tried.
const implement = <I, Security extends Record<string, HttpApiSecurity.HttpApiSecurity>, A, E>(
  tag: SecurityTag<I, Security, A, E, unknown>,
  check: (
    first: boolean
  ) => Effect.Effect<A, E, HttpServerRequest.HttpServerRequest | LoginManager.LoginManager | LoginEvents.LoginEvents>
): Layer.Layer<I, never, LoginManager.LoginManager | LoginEvents.LoginEvents> =>
  Layer.effect(
    tag,
    Effect.map(Effect.context<LoginManager.LoginManager | LoginEvents.LoginEvents>(), (context) => {
      const schemes = Object.keys(tag.security)
      const handlers: Record<string, () => Effect.Effect<A, E, HttpServerRequest.HttpServerRequest>> = {}
      for (const scheme of schemes) {
        const run = Effect.provide(check(scheme === schemes[0]), context)
        handlers[scheme] = () => run
      }
      return handlers as HttpApiMiddleware.HttpApiMiddlewareSecurity<Security, A, E>
    })
  )

const sessionOfRequest = Effect.flatMap(
  HttpServerRequest.HttpServerRequest,
  (request) => Effect.flatMap(LoginManager.LoginManager, (manager) => manager.sessionFor(request))
)

// The declaration whose user a tag provides, from its runtime tag (see internal/guard.ts).
const declared = (provides: Context.Tag<any, any>, kind: "AuthenticatedUser" | "FreshUser"): string => {
  const prefix = `effect-login/${kind}/`
  if (!provides.key.startsWith(prefix)) {
    throw new Error(
      `effect-login: HttpApiLogin.layer${kind === "FreshUser" ? "Fresh" : ""}LoginRequired needs a tag made with ` +
        `HttpApiLogin.${
          kind === "FreshUser" ? "freshLoginRequired" : "loginRequired"
        }; this one provides ${provides.key}`
    )
  }
  return provides.key.slice(prefix.length)
}

const authenticated = (session: Session.Session, key: string) =>
  Effect.flatMap(Effect.context<never>(), (context) =>
    guard.wrongLoader(key, context) ?? Effect.flatMap(
      orServiceUnavailable(session.authenticated),
      (user) =>
        Option.isSome(user)
          ? Effect.succeed(user)
          // Flask's LOGIN_DISABLED, for tests: the stand-in user passes.
          : Identity.LoginDisabled
    ))

// The same events and messages as the router's refusals (internal/refusal.ts), answered as schema errors.
const refusals = { Unauthorized, NeedsRefresh } as const

const refuse = <Kind extends refusal.Kind>(session: Session.Session, first: boolean, kind: Kind) =>
  Effect.suspend(() => {
    if (first && session instanceof RequestSession) session.announce(kind)
    return Effect.fail(new refusals[kind]({ message: refusal.messages[kind] }) as InstanceType<typeof refusals[Kind]>)
  })

/**
 * Implements an {@link authentication} tag.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerAuthentication = <I, Security extends Record<string, HttpApiSecurity.HttpApiSecurity>>(
  tag: SecurityTag<I, Security, Session.Session, ServiceUnavailable, typeof Session.Session>
): Layer.Layer<I, never, LoginManager.LoginManager | LoginEvents.LoginEvents> => implement(tag, () => sessionOfRequest)

/**
 * Implements a {@link loginRequired} tag. A tag that provides anything else
 * than a declaration's `AuthenticatedUser` (its `FreshUser`, the `Session`)
 * does not compile.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerLoginRequired = <
  I,
  Key extends string,
  User,
  Security extends Record<string, HttpApiSecurity.HttpApiSecurity>
>(
  tag: SecurityTag<
    I,
    Security,
    Identity.Authenticated<User>,
    Unauthorized | ServiceUnavailable,
    Context.Tag<Identity.AuthenticatedUser<Key>, Identity.Authenticated<User>>
  >
): Layer.Layer<I, never, LoginManager.LoginManager | LoginEvents.LoginEvents> => {
  const key = declared(tag.provides, "AuthenticatedUser")
  return implement(tag, (first) =>
    Effect.gen(function*() {
      const session = yield* sessionOfRequest
      const user = yield* authenticated(session, key)
      if (Option.isSome(user)) return user.value as Identity.Authenticated<User>
      return yield* refuse(session, first, "Unauthorized")
    }))
}

/**
 * Implements a {@link freshLoginRequired} tag. A tag that provides anything
 * else than a declaration's `FreshUser` does not compile.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFreshLoginRequired = <
  I,
  Key extends string,
  User,
  Security extends Record<string, HttpApiSecurity.HttpApiSecurity>
>(
  tag: SecurityTag<
    I,
    Security,
    Identity.Fresh<User>,
    Unauthorized | NeedsRefresh | ServiceUnavailable,
    Context.Tag<Identity.FreshUser<Key>, Identity.Fresh<User>>
  >
): Layer.Layer<I, never, LoginManager.LoginManager | LoginEvents.LoginEvents> => {
  const key = declared(tag.provides, "FreshUser")
  return implement(tag, (first) =>
    Effect.gen(function*() {
      const session = yield* sessionOfRequest
      const user = yield* authenticated(session, key)
      if (Option.isNone(user)) {
        return yield* refuse(session, first, "Unauthorized")
      }
      if (Option.isSome(yield* Identity.LoginDisabled) || (yield* orServiceUnavailable(session.isFresh))) {
        return user.value as Identity.Fresh<User>
      }
      return yield* refuse(session, first, "NeedsRefresh")
    }))
}

/**
 * The ready-made {@link Authentication} tag, implemented.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Authentication, never, LoginManager.LoginManager | LoginEvents.LoginEvents> =
  layerAuthentication(Authentication)
