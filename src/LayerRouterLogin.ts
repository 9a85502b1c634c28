/**
 * effect-login on `HttpLayerRouter`: middleware that gives routes the
 * `Session` (so `CurrentUser`, `login` and `logout` work), or the
 * `AuthenticatedUser` / `FreshUser` with the unauthorized and needs-refresh
 * flows of `loginRequired` / `freshLoginRequired`. A route that needs a
 * service the middleware does not provide leaves it in the requirements of the
 * served Layer, which then does not compile.
 *
 * ```ts
 * import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 * import { LayerRouterLogin, UserLoader } from "effect-login"
 *
 * interface User { readonly id: string; readonly name: string }
 * const { AuthenticatedUser } = UserLoader.make({ id: (user: User) => user.id })
 *
 * const me = Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(user.name))
 * export const Protected = HttpLayerRouter.add("GET", "/me", me).pipe(
 *   Layer.provide(LayerRouterLogin.LoginRequiredMiddleware.layer)
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as HttpLayerRouter from "@effect/platform/HttpLayerRouter"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import type * as CurrentUser from "./CurrentUser.js"
import * as LoginManager from "./LoginManager.js"
import * as LoginRequired from "./LoginRequired.js"
import type * as Session from "./Session.js"

// Each middleware runs a route with the request's session, as `LoginManager.middleware` does,
// with the LoginManager captured when the Layer is built.
const withSession = Effect.map(
  Effect.context<LoginManager.LoginManager>(),
  (context) => <E, R>(effect: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>) =>
    Effect.provide(LoginManager.middleware(effect), context)
)

/**
 * Provides the `Session` of each request; anonymous requests are welcome.
 *
 * @since 0.1.0
 * @category middleware
 */
export const SessionMiddleware = HttpLayerRouter.middleware<{ provides: Session.Session }>()(
  Effect.map(withSession, (run) => (effect) => run(effect))
)

/**
 * Provides `AuthenticatedUser`, or answers as `loginRequired` does.
 *
 * @since 0.1.0
 * @category middleware
 */
export const LoginRequiredMiddleware = HttpLayerRouter.middleware<{ provides: CurrentUser.AuthenticatedUser }>()(
  Effect.map(withSession, (run) => (effect) => run(LoginRequired.loginRequired(effect)))
)

/**
 * Provides `FreshUser` and `AuthenticatedUser`, or answers as
 * `freshLoginRequired` does.
 *
 * @since 0.1.0
 * @category middleware
 */
export const FreshLoginRequiredMiddleware = HttpLayerRouter.middleware<
  { provides: CurrentUser.AuthenticatedUser | CurrentUser.FreshUser }
>()(
  Effect.map(withSession, (run) => (effect) => run(LoginRequired.freshLoginRequired(effect)))
)
