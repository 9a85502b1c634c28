/**
 * effect-login on `HttpApi`: middleware tags that give endpoints the session
 * and the authenticated user, declared through `HttpApiSecurity` so that the
 * OpenAPI document shows how to authenticate, and schema'd 401 / 503 errors
 * that `HttpApiClient` decodes.
 *
 * ```ts
 * import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
 * import { Effect, Layer, Schema } from "effect"
 * import { HttpApiLogin, UserLoader } from "effect-login"
 *
 * interface User { readonly id: string; readonly name: string }
 * const { AuthenticatedUser } = UserLoader.make({ id: (user: User) => user.id })
 *
 * class Api extends HttpApi.make("api").add(
 *   HttpApiGroup.make("me")
 *     .add(HttpApiEndpoint.get("me", "/me").addSuccess(Schema.String))
 *     .middleware(HttpApiLogin.LoginRequired)
 * ) {}
 *
 * export const MeLive = HttpApiBuilder.group(Api, "me", (handlers) =>
 *   handlers.handle("me", () => Effect.map(AuthenticatedUser, (user) => user.name))
 * ).pipe(Layer.provide(HttpApiLogin.layer))
 * ```
 *
 * @since 0.1.0
 */
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import type * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Record from "effect/Record"
import * as Schema from "effect/Schema"
import * as CurrentUser from "./CurrentUser.js"
import * as refusal from "./internal/refusal.js"
import { RequestSession } from "./internal/requestSession.js"
import type * as LoginEvents from "./LoginEvents.js"
import * as LoginManager from "./LoginManager.js"
import * as Session from "./Session.js"
import type { SessionStoreError } from "./SessionStore.js"
import type { UserLoaderError } from "./UserLoader.js"

/**
 * The session cookie as an OpenAPI security scheme (`apiKey` in a cookie).
 *
 * @since 0.1.0
 * @category security
 */
export const sessionCookie = (name = "session"): HttpApiSecurity.ApiKey =>
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
): Effect.Effect<A, Exclude<E, UserLoaderError | SessionStoreError> | ServiceUnavailable, R> =>
  Effect.catchIf(
    self,
    (error) => Predicate.isTagged(error, "UserLoaderError") || Predicate.isTagged(error, "SessionStoreError"),
    () => Effect.fail(new ServiceUnavailable({ message: "The user or session store is unavailable" }))
  ) as Effect.Effect<A, Exclude<E, UserLoaderError | SessionStoreError> | ServiceUnavailable, R>

/**
 * The options of a login-required middleware tag: it provides
 * `AuthenticatedUser`, or fails with `Unauthorized` or `ServiceUnavailable`.
 *
 * @since 0.1.0
 * @category options
 */
export const loginRequired = <const Security extends Record<string, HttpApiSecurity.HttpApiSecurity>>(
  security: Security
) =>
  ({
    provides: CurrentUser.AuthenticatedUser,
    failure: Schema.Union(Unauthorized, ServiceUnavailable),
    security
  }) as const

/**
 * The options of a fresh-login-required middleware tag: it provides
 * `FreshUser`, or fails with `Unauthorized`, `NeedsRefresh` or `ServiceUnavailable`.
 *
 * @since 0.1.0
 * @category options
 */
export const freshLoginRequired = <const Security extends Record<string, HttpApiSecurity.HttpApiSecurity>>(
  security: Security
) =>
  ({
    provides: CurrentUser.FreshUser,
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
 * Gives endpoints the `AuthenticatedUser`; anonymous requests get `Unauthorized`.
 *
 * @since 0.1.0
 * @category tags
 */
export class LoginRequired extends HttpApiMiddleware.Tag<LoginRequired>()(
  "effect-login/HttpApi/LoginRequired",
  loginRequired({ session: sessionCookie() })
) {}

/**
 * Gives endpoints the `FreshUser`; stale logins get `NeedsRefresh`.
 *
 * @since 0.1.0
 * @category tags
 */
export class FreshLoginRequired extends HttpApiMiddleware.Tag<FreshLoginRequired>()(
  "effect-login/HttpApi/FreshLoginRequired",
  freshLoginRequired({ session: sessionCookie() })
) {}

type Handlers<A, E> = Record<string, (credential: any) => Effect.Effect<A, E, HttpRouter.HttpRouter.Provided>>

type SecurityTag<I, S> = Context.Tag<I, S> & { readonly security: Record<string, HttpApiSecurity.HttpApiSecurity> }

// Every scheme of a tag runs the same check: the session and the request loaders read the
// request themselves. HttpApi tries the schemes in order until one succeeds; only the first
// publishes events, so that a refusal is one event however many schemes were tried.
const implement = <I, S extends Handlers<unknown, unknown>>(
  tag: SecurityTag<I, S>,
  check: (
    first: boolean
  ) => Effect.Effect<
    unknown,
    unknown,
    HttpServerRequest.HttpServerRequest | LoginManager.LoginManager | LoginEvents.LoginEvents
  >
): Layer.Layer<I, never, LoginManager.LoginManager | LoginEvents.LoginEvents> =>
  Layer.effect(
    tag,
    Effect.map(Effect.context<LoginManager.LoginManager | LoginEvents.LoginEvents>(), (context) => {
      const schemes = Object.keys(tag.security)
      return Record.map(tag.security, (_, key) => {
        const run = Effect.provide(check(key === schemes[0]), context)
        return () => run
      }) as unknown as S
    })
  )

const sessionOfRequest = Effect.flatMap(
  HttpServerRequest.HttpServerRequest,
  (request) => Effect.flatMap(LoginManager.LoginManager, (manager) => manager.sessionFor(request))
)

const authenticated = (session: Session.Session) =>
  Effect.flatMap(
    orServiceUnavailable(session.authenticated),
    (user) =>
      Option.isSome(user)
        ? Effect.succeed(user)
        // Flask's LOGIN_DISABLED, for tests: the stand-in user passes.
        : CurrentUser.LoginDisabled
  )

// The same events and messages as the router's refusals (internal/refusal.ts), answered as schema errors.
const refuse = (session: Session.Session, first: boolean, kind: refusal.Kind) =>
  Effect.suspend(() => {
    if (first && session instanceof RequestSession) session.announce(kind)
    const message = refusal.messages[kind]
    return Effect.fail(kind === "Unauthorized" ? new Unauthorized({ message }) : new NeedsRefresh({ message }))
  })

/**
 * Implements an {@link authentication} tag.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerAuthentication = <I, S extends Handlers<Session.Session, ServiceUnavailable>>(
  tag: SecurityTag<I, S>
): Layer.Layer<I, never, LoginManager.LoginManager | LoginEvents.LoginEvents> => implement(tag, () => sessionOfRequest)

/**
 * Implements a {@link loginRequired} tag.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerLoginRequired = <I, S extends Handlers<unknown, Unauthorized | ServiceUnavailable>>(
  tag: SecurityTag<I, S>
): Layer.Layer<I, never, LoginManager.LoginManager | LoginEvents.LoginEvents> =>
  implement(tag, (first) =>
    Effect.gen(function*() {
      const session = yield* sessionOfRequest
      const user = yield* authenticated(session)
      if (Option.isSome(user)) return user.value
      return yield* refuse(session, first, "Unauthorized")
    }))

/**
 * Implements a {@link freshLoginRequired} tag.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFreshLoginRequired = <
  I,
  S extends Handlers<unknown, Unauthorized | NeedsRefresh | ServiceUnavailable>
>(
  tag: SecurityTag<I, S>
): Layer.Layer<I, never, LoginManager.LoginManager | LoginEvents.LoginEvents> =>
  implement(tag, (first) =>
    Effect.gen(function*() {
      const session = yield* sessionOfRequest
      const user = yield* authenticated(session)
      if (Option.isNone(user)) {
        return yield* refuse(session, first, "Unauthorized")
      }
      if ((yield* CurrentUser.LoginDisabled)._tag === "Some" || (yield* session.isFresh)) return user.value
      return yield* refuse(session, first, "NeedsRefresh")
    }))

/**
 * The ready-made tags, implemented.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<
  Authentication | LoginRequired | FreshLoginRequired,
  never,
  LoginManager.LoginManager | LoginEvents.LoginEvents
> = Layer.mergeAll(
  layerAuthentication(Authentication),
  layerLoginRequired(LoginRequired),
  layerFreshLoginRequired(FreshLoginRequired)
)
