/**
 * Refusing anonymous users where a login is required (Flask-Login's
 * `login_required`), with the proof in the types: the authenticated user is a
 * service that only `loginRequired` provides.
 *
 * @since 0.1.0
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as CurrentUser from "./CurrentUser.js"
import * as Session from "./Session.js"
import type { UserLoaderError } from "./UserLoader.js"

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
): Effect.Effect<
  A | HttpServerResponse.HttpServerResponse,
  E | UserLoaderError,
  Exclude<R, CurrentUser.AuthenticatedUser> | Session.Session | HttpServerRequest.HttpServerRequest
> =>
  Effect.flatMap(Session.Session, (session) =>
    Effect.flatMap(session.authenticated, (user): Effect.Effect<
      A | HttpServerResponse.HttpServerResponse,
      E,
      Exclude<R, CurrentUser.AuthenticatedUser> | HttpServerRequest.HttpServerRequest
    > => {
      if (Option.isSome(user)) return Effect.provideService(self, CurrentUser.AuthenticatedUser, user.value)
      return Effect.flatMap(CurrentUser.LoginDisabled, (standIn): Effect.Effect<
        A | HttpServerResponse.HttpServerResponse,
        E,
        Exclude<R, CurrentUser.AuthenticatedUser> | HttpServerRequest.HttpServerRequest
      > =>
        Option.isSome(standIn)
          ? Effect.provideService(self, CurrentUser.AuthenticatedUser, standIn.value)
          : refuse(session))
    }))

const refuse = (session: Session.Session) =>
  Effect.flatMap(
    HttpServerRequest.HttpServerRequest,
    (request) =>
      request.method === "OPTIONS" ? Effect.succeed(HttpServerResponse.empty({ status: 204 })) : session.unauthorized
  )
