/**
 * Refusing anonymous users where a login is required (Flask-Login's
 * `login_required` and `fresh_login_required`), with the proof in the types:
 * the authenticated user is a service that only these combinators provide.
 *
 * @since 0.1.0
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { dual } from "effect/Function"
import { globalValue } from "effect/GlobalValue"
import * as Option from "effect/Option"
import * as CurrentUser from "./CurrentUser.js"
import { andThen } from "./internal/immediate.js"
import * as Session from "./Session.js"
import type { SessionStoreError } from "./SessionStore.js"
import type { UserLoaderError } from "./UserLoader.js"

/**
 * The login view of the current route group: `None` uses the configured one.
 *
 * @since 0.1.0
 * @category references
 */
export const currentLoginView: FiberRef.FiberRef<Option.Option<string | null>> = globalValue(
  Symbol.for("effect-login/LoginRequired/currentLoginView"),
  () => FiberRef.unsafeMake(Option.none<string | null>())
)

/**
 * Sends the anonymous requests of a handler or of a whole router to its own
 * login view (Flask's blueprint login views); `null` answers them with 401.
 *
 * ```ts
 * import { HttpRouter, HttpServerResponse } from "@effect/platform"
 * import { Effect } from "effect"
 * import { LoginRequired, loginRequired } from "effect-login"
 *
 * export const admin = HttpRouter.empty.pipe(
 *   HttpRouter.get("/admin", Effect.succeed(HttpServerResponse.text("admin"))),
 *   HttpRouter.use(loginRequired),
 *   HttpRouter.use(LoginRequired.withLoginView("/admin/login"))
 * )
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const withLoginView: {
  (loginView: string | null): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, loginView: string | null): Effect.Effect<A, E, R>
} = dual(
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, loginView: string | null): Effect.Effect<A, E, R> =>
    Effect.locally(self, currentLoginView, Option.some(loginView))
)

/**
 * Answers as an unauthorized request (Flask's `login_manager.unauthorized()`):
 * the `Unauthorized` event, then the custom handler, or a 302 to the login view
 * with `next` and a flashed message, or 401.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unauthorized: Effect.Effect<HttpServerResponse.HttpServerResponse, never, Session.Session> = Effect
  .flatMap(
    FiberRef.get(currentLoginView),
    (view) => Effect.flatMap(Session.Session, (session) => session.unauthorized(Option.getOrUndefined(view)))
  )

/**
 * Answers as a stale login on a fresh-only route (Flask's
 * `login_manager.needs_refresh()`): a 302 to the refresh view, or 401.
 *
 * @since 0.1.0
 * @category constructors
 */
export const needsRefresh: Effect.Effect<HttpServerResponse.HttpServerResponse, never, Session.Session> = Effect
  .flatMap(Session.Session, (session) => session.needsRefresh)

type Guarded<A, E, R, Provided> = Effect.Effect<
  A | HttpServerResponse.HttpServerResponse,
  E | UserLoaderError | SessionStoreError,
  Exclude<R, Provided> | Session.Session | HttpServerRequest.HttpServerRequest
>

// One step to the session, and none more to the user when the session resolves it synchronously.
const guard = <A, E, R, Provided>(
  provide: (user: unknown) => Effect.Effect<A, E, Exclude<R, Provided>>,
  needsFresh: boolean
): Guarded<A, E, R, Provided> =>
  Effect.withFiberRuntime((fiber) => {
    const session = Context.unsafeGet(fiber.currentContext, Session.Session)
    return andThen(session.authenticated, (user): Guarded<A, E, R, Provided> => {
      if (Option.isSome(user)) {
        if (!needsFresh) return provide(user.value)
        return andThen(
          session.isFresh,
          (fresh): Guarded<A, E, R, Provided> => fresh ? provide(user.value) : exempt(session.needsRefresh)
        )
      }
      // Flask's LOGIN_DISABLED, for tests: the stand-in user passes every requirement.
      const standIn = Context.get(fiber.currentContext, CurrentUser.LoginDisabled)
      return Option.isSome(standIn) ? provide(standIn.value) : exempt(unauthorizedFor(session))
    })
  })

const unauthorizedFor = (session: Session.Session) =>
  Effect.flatMap(FiberRef.get(currentLoginView), (view) => session.unauthorized(Option.getOrUndefined(view)))

// OPTIONS passes every requirement (CORS preflights carry no cookie). The
// handler needs a user it cannot have, so the preflight gets an empty 204.
const exempt = (refusal: Effect.Effect<HttpServerResponse.HttpServerResponse>) =>
  Effect.flatMap(
    HttpServerRequest.HttpServerRequest,
    (request) => request.method === "OPTIONS" ? Effect.succeed(HttpServerResponse.empty({ status: 204 })) : refusal
  )

/**
 * Runs `self` with the `AuthenticatedUser` of the request, or answers as an
 * unauthorized request: a 302 to the login view with a safe `next`, or 401
 * (JSON for clients that accept JSON) when no login view is configured.
 *
 * Works on a handler (`handler.pipe(loginRequired)`) and on a whole router
 * (`router.pipe(HttpRouter.use(loginRequired))`). A user must be logged in
 * and active. `OPTIONS` requests pass: an anonymous preflight gets 204 without
 * running `self`, which needs a user it cannot have.
 *
 * @since 0.1.0
 * @category combinators
 */
export const loginRequired = <A, E, R>(
  self: Effect.Effect<A, E, R>
): Guarded<A, E, R, CurrentUser.AuthenticatedUser> =>
  guard<A, E, R, CurrentUser.AuthenticatedUser>(
    (user) => Effect.provideService(self, CurrentUser.AuthenticatedUser, user),
    false
  )

/**
 * As {@link loginRequired}, and the login must be fresh: the user entered
 * their credentials in this session (not restored by the remember cookie, not
 * found by a request loader), within `freshMaxAge` when that is set. A stale
 * login gets the needs-refresh flow: a 302 to the refresh view with `next`, or
 * 401. Provides `FreshUser` as well as `AuthenticatedUser`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const freshLoginRequired = <A, E, R>(
  self: Effect.Effect<A, E, R>
): Guarded<A, E, R, CurrentUser.AuthenticatedUser | CurrentUser.FreshUser> =>
  guard<A, E, R, CurrentUser.AuthenticatedUser | CurrentUser.FreshUser>(
    (user) =>
      Effect.provide(
        self,
        Context.make(CurrentUser.AuthenticatedUser, user).pipe(Context.add(CurrentUser.FreshUser, user))
      ),
    true
  )
