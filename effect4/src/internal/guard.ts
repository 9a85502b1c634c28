/**
 * The guards of one user declaration: `loginRequired` and
 * `freshLoginRequired` run the handler with the declaration's user services,
 * or answer the refusal. `UserLoader.make` builds them; HttpRouterLogin's
 * middleware reuses them.
 *
 * @internal
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Option from "effect/Option"
import * as Identity from "../Identity.js"
import { currentLoginView } from "../LoginView.js"
import * as Session from "../Session.js"
import type { Guarded } from "../UserLoader.js"
import { andThen } from "./immediate.js"
import * as sessionService from "./sessionService.js"

/** The runtime tags of a declaration's user services. @internal */
export const tags = <Key extends string, User>(key: Key): {
  readonly authenticated: Context.Service<Identity.AuthenticatedUser<Key>, Identity.Authenticated<User>>
  readonly fresh: Context.Service<Identity.FreshUser<Key>, Identity.Fresh<User>>
} => ({
  authenticated: Context.Service<Identity.AuthenticatedUser<Key>, Identity.Authenticated<User>>(
    `effect-login/AuthenticatedUser/${key}`
  ),
  fresh: Context.Service<Identity.FreshUser<Key>, Identity.Fresh<User>>(`effect-login/FreshUser/${key}`)
})

/**
 * The wiring mistake the types cannot see: routes guarded by one declaration, served by a
 * LoginManager built on another's loader. Their user would be of the wrong type: refuse loudly.
 *
 * @internal
 */
export const wrongLoader = (key: string, context: Context.Context<never>): Effect.Effect<never> | undefined => {
  const loaded = sessionService.userKey(context)
  if (loaded === undefined || loaded === key) return undefined
  const message = `effect-login: this route is guarded by UserLoader.make("${key}"), but the LoginManager loads ` +
    `the users of UserLoader.make("${loaded}"): provide the layer of "${key}" to LoginManager.layer`
  return Effect.andThen(Effect.logError(message), Effect.die(new Error(message)))
}

// One step to the session, and none more to the user when the session resolves it synchronously.
const guard = <A, E, R, Provided>(
  key: string,
  provide: (user: unknown) => Effect.Effect<A, E, Exclude<R, Provided>>,
  needsFresh: boolean
): Guarded<A, E, R, Provided> =>
  Effect.withFiber((fiber) => {
    const session = Context.getUnsafe(fiber.context, Session.Session)
    const wrong = wrongLoader(key, fiber.context)
    if (wrong !== undefined) return wrong
    return andThen(session.authenticated, (user): Guarded<A, E, R, Provided> => {
      if (Option.isSome(user)) {
        if (!needsFresh) return provide(user.value)
        return andThen(
          session.isFresh,
          (fresh): Guarded<A, E, R, Provided> => fresh ? provide(user.value) : exempt(session.needsRefresh)
        )
      }
      // Flask's LOGIN_DISABLED, for tests: the stand-in user passes every requirement.
      const standIn = Context.getOption(fiber.context, Identity.LoginDisabled)
      return Option.isSome(standIn) ? provide(standIn.value) : exempt(unauthorizedFor(session))
    })
  })

const unauthorizedFor = (session: Session.Session) =>
  Effect.flatMap(currentLoginView, (view) => session.unauthorized(Option.getOrUndefined(view)))

// OPTIONS passes every requirement (CORS preflights carry no cookie). The
// handler needs a user it cannot have, so the preflight gets an empty 204.
const exempt = (refusal: Effect.Effect<HttpServerResponse.HttpServerResponse>) =>
  Effect.flatMap(
    HttpServerRequest.HttpServerRequest,
    (request) => request.method === "OPTIONS" ? Effect.succeed(HttpServerResponse.empty({ status: 204 })) : refusal
  )

// The one place where the brands are put on a user: the guard has just checked it.
const authenticatedUser = (user: unknown) => user as Identity.Authenticated<unknown>
const freshUser = (user: unknown) => user as Identity.Fresh<unknown>

/** @internal */
export const loginRequired = <Key extends string>(key: Key) => {
  const { authenticated } = tags<Key, unknown>(key)
  return <A, E, R>(self: Effect.Effect<A, E, R>): Guarded<A, E, R, Identity.AuthenticatedUser<Key>> =>
    guard<A, E, R, Identity.AuthenticatedUser<Key>>(
      key,
      (user) => Effect.provideService(self, authenticated, authenticatedUser(user)),
      false
    )
}

/** @internal */
export const freshLoginRequired = <Key extends string>(key: Key) => {
  const { authenticated, fresh } = tags<Key, unknown>(key)
  return <A, E, R>(
    self: Effect.Effect<A, E, R>
  ): Guarded<A, E, R, Identity.AuthenticatedUser<Key> | Identity.FreshUser<Key>> =>
    guard<A, E, R, Identity.AuthenticatedUser<Key> | Identity.FreshUser<Key>>(
      key,
      (user) =>
        Effect.provide(
          self,
          Context.make(authenticated, authenticatedUser(user)).pipe(Context.add(fresh, freshUser(user)))
        ),
      true
    )
}
