/**
 * Where refused requests go (Flask-Login's `login_view` and
 * `blueprint_login_views`): per handler or per router, the login view that
 * anonymous requests on guarded routes are sent to, or a plain 401.
 *
 * The guards themselves, `loginRequired` and `freshLoginRequired`, come from
 * `UserLoader.make`, typed with the application's user.
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Option from "effect/Option"
import type * as Identity from "./Identity.js"
import * as Session from "./Session.js"

/**
 * The login view of the current route group: `None` uses the configured one,
 * `Some(null)` answers 401.
 *
 * @since 0.2.0
 * @category references
 */
export const currentLoginView: Context.Reference<Option.Option<string | null>> = Context.Reference(
  "effect-login/LoginView/currentLoginView",
  { defaultValue: () => Option.none<string | null>() }
)

/**
 * What {@link withLoginView} and {@link withUnauthorizedStatus} say when they
 * are applied inside a guard: there they would not apply to its refusals.
 *
 * @since 0.2.0
 * @category models
 */
export interface AppliedInsideTheGuard {
  readonly "effect-login: apply the login view after (outside) loginRequired": never
}

// The guard answers refusals where it runs: a view set inside it, around the handler, is never
// seen. The handler still needing the user is how the types tell "inside" from "outside".
type Outside<R> = [Extract<R, Identity.AuthenticatedUser<any> | Identity.FreshUser<any>>] extends [never] ? unknown
  : AppliedInsideTheGuard

const locally = <A, E, R>(self: Effect.Effect<A, E, R>, loginView: string | null): Effect.Effect<A, E, R> =>
  Effect.provideService(self, currentLoginView, Option.some(loginView))

/**
 * Sends the anonymous requests of a guarded handler or of a whole router to
 * its own login view (Flask's blueprint login views). Apply it after
 * `loginRequired`: applied before, it would not see the guard's refusals, and
 * it does not compile.
 *
 * @example
 * ```ts
 * import { LoginView, UserLoader } from "@effect-login/effect4"
 * import { Effect } from "effect"
 * import { HttpRouter, HttpServerResponse } from "effect/http"
 *
 * interface User { readonly id: string }
 * const { AuthenticatedUser, loginRequired } = UserLoader.make("example/Users", { id: (user: User) => user.id })
 *
 * const admin = Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(`admin ${user.id}`))
 * export const Admin = HttpRouter.add("GET", "/admin", admin.pipe(loginRequired, LoginView.withLoginView("/admin/login")))
 * ```
 *
 * @since 0.2.0
 * @category combinators
 */
export const withLoginView: {
  (loginView: string): <A, E, R>(self: Effect.Effect<A, E, R> & Outside<R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R> & Outside<R>, loginView: string): Effect.Effect<A, E, R>
} = dual(2, locally)

/**
 * Answers the anonymous requests of a guarded handler or router with 401,
 * where the application otherwise redirects to its login view (an API under
 * a browser app). Apply it after `loginRequired`, as {@link withLoginView}.
 *
 * @since 0.2.0
 * @category combinators
 */
export const withUnauthorizedStatus = <A, E, R>(self: Effect.Effect<A, E, R> & Outside<R>): Effect.Effect<A, E, R> =>
  locally(self, null)

/**
 * Answers as an unauthorized request (Flask's `login_manager.unauthorized()`):
 * the `Unauthorized` event, then the custom handler, or a 302 to the login view
 * with `next` and a flashed message, or 401.
 *
 * @since 0.2.0
 * @category constructors
 */
export const unauthorized: Effect.Effect<HttpServerResponse.HttpServerResponse, never, Session.Session> = Effect
  .flatMap(
    currentLoginView,
    (view) => Effect.flatMap(Session.Session, (session) => session.unauthorized(Option.getOrUndefined(view)))
  )

/**
 * Answers as a stale login on a fresh-only route (Flask's
 * `login_manager.needs_refresh()`): a 302 to the refresh view, or 401.
 *
 * @since 0.2.0
 * @category constructors
 */
export const needsRefresh: Effect.Effect<HttpServerResponse.HttpServerResponse, never, Session.Session> = Effect
  .flatMap(Session.Session, (session) => session.needsRefresh)
