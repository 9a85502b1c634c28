/**
 * effect-login on Effect 4's `HttpRouter` (the Layer-based router that Effect 3
 * called `HttpLayerRouter`; this module is the Effect 3 line's `LayerRouterLogin`): middleware that gives routes the
 * `Session` (so `CurrentUser`, `login` and `logout` work), or the
 * `AuthenticatedUser` / `FreshUser` of one user declaration with the
 * unauthorized and needs-refresh flows of its `loginRequired` /
 * `freshLoginRequired`. A route that needs a
 * service the middleware does not provide leaves it in the requirements of the
 * served Layer, which then does not compile.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { HttpRouter, HttpServerResponse } from "effect/http"
 * import { HttpRouterLogin, UserLoader } from "@effect-login/effect4"
 *
 * interface User { readonly id: string; readonly name: string }
 * const Users = UserLoader.make("example/Users", { id: (user: User) => user.id })
 * const LoginRequired = HttpRouterLogin.loginRequired(Users)
 *
 * const me = Effect.map(Users.AuthenticatedUser, (user) => HttpServerResponse.text(user.name))
 * export const Protected = HttpRouter.add("GET", "/me", me).pipe(
 *   Layer.provide(LoginRequired.layer)
 * )
 * ```
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as HttpRouter from "effect/http/HttpRouter"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import type * as Identity from "./Identity.js"
import * as sessionService from "./internal/sessionService.js"
import type * as LoginManager from "./LoginManager.js"
import type * as Session from "./Session.js"
import type * as UserLoader from "./UserLoader.js"

// Each middleware runs a route with the request's session, as `LoginManager.middleware` does,
// with the LoginManager captured when the Layer is built.
const withSession = Effect.map(
  Effect.context<LoginManager.LoginManager>(),
  (context) => <E, R>(effect: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>) =>
    Effect.provide(sessionService.enter(effect), context)
)

/**
 * Provides the `Session` of each request; anonymous requests are welcome.
 *
 * @since 0.2.0
 * @category middleware
 */
export const SessionMiddleware = HttpRouter.middleware<{ provides: Session.Session }>()(
  Effect.map(withSession, (run) => (effect) => run(effect))
)

/**
 * The middleware that provides the `AuthenticatedUser` of the declaration
 * `users` (and the `Session`, so that a protected route can log out), or
 * answers as its `loginRequired` does.
 *
 * @since 0.2.0
 * @category middleware
 */
export const loginRequired = <Key extends string, User>(users: UserLoader.Users<Key, User>) =>
  HttpRouter.middleware<{ provides: Identity.AuthenticatedUser<Key> | Session.Session }>()(
    Effect.map(withSession, (run) => (effect) => run(users.loginRequired(effect)))
  )

/**
 * The middleware that provides the `FreshUser` and `AuthenticatedUser` of the
 * declaration `users` (and the `Session`), or answers as its
 * `freshLoginRequired` does.
 *
 * @since 0.2.0
 * @category middleware
 */
export const freshLoginRequired = <Key extends string, User>(users: UserLoader.Users<Key, User>) =>
  HttpRouter.middleware<
    { provides: Identity.AuthenticatedUser<Key> | Identity.FreshUser<Key> | Session.Session }
  >()(
    Effect.map(withSession, (run) => (effect) => run(users.freshLoginRequired(effect)))
  )
