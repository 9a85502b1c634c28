/**
 * The `Session` of whatever request the fiber serves: each member finds the
 * request's own session (through the login manager and the request in the
 * fiber's context) when it runs. The login manager's Layer provides it once,
 * for every request, so that a request adds nothing to its context to have a
 * session — adding a service costs a copy of the context and two writes of
 * the fiber's state, more than the rest of the middleware together.
 *
 * @internal
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as LoginManager from "../LoginManager.js"
import * as Session from "../Session.js"
import type { RequestSession } from "./requestSession.js"

/**
 * What the login manager keeps for its requests.
 *
 * @internal
 */
export interface Sessions {
  /** The request's session, made on first use. */
  readonly of: (request: HttpServerRequest.HttpServerRequest) => RequestSession
  /** Registers the pre-response step that writes the sessions back. */
  readonly register: Effect.Effect<void>
  /** The key of the user declaration whose loader the manager was built with. */
  readonly userKey: string
}

const sessionsOf = new WeakMap<LoginManager.LoginManager, Sessions>()

/** @internal */
export const track = (manager: LoginManager.LoginManager, sessions: Sessions): void => {
  sessionsOf.set(manager, sessions)
}

/**
 * The key of the user declaration whose loader serves the requests of this
 * fiber's login manager; `undefined` without one (a test session) or for a
 * login manager made elsewhere.
 *
 * @internal
 */
export const userKey = (context: Context.Context<never>): string | undefined => {
  const manager = Context.getOption(context, LoginManager.LoginManager)
  return manager._tag === "Some" ? sessionsOf.get(manager.value)?.userKey : undefined
}

// A login manager that this package did not make (another implementation of the interface) is
// reached through its public `sessionFor`, which also registers the write-back.
const use = <A, E>(f: (session: Session.Session) => Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.withFiber((fiber) => {
    const manager = Context.getUnsafe(fiber.context, LoginManager.LoginManager)
    const request = Context.getUnsafe(fiber.context, HttpServerRequest.HttpServerRequest)
    const sessions = sessionsOf.get(manager)
    return sessions === undefined ? Effect.flatMap(manager.sessionFor(request), f) : f(sessions.of(request))
  })

/** @internal */
export const current: Session.Session = {
  [Session.TypeId]: Session.TypeId,
  get user() {
    return use((session) => session.user)
  },
  get authenticated() {
    return use((session) => session.authenticated)
  },
  login: (user, options) => use((session) => session.login(user, options)),
  get logout() {
    return use((session) => session.logout)
  },
  get confirmLogin() {
    return use((session) => session.confirmLogin)
  },
  get isFresh() {
    return use((session) => session.isFresh)
  },
  get isRemembered() {
    return use((session) => session.isRemembered)
  },
  get: (key) => use((session) => session.get(key)),
  set: (key, value) => use((session) => session.set(key, value)),
  remove: (key) => use((session) => session.remove(key)),
  flash: (message, category) => use((session) => session.flash(message, category)),
  get takeFlashes() {
    return use((session) => session.takeFlashes)
  },
  get takeNext() {
    return use((session) => session.takeNext)
  },
  get listSessions() {
    return use((session) => session.listSessions)
  },
  get logoutOtherDevices() {
    return use((session) => session.logoutOtherDevices)
  },
  get logoutEverywhere() {
    return use((session) => session.logoutEverywhere)
  },
  unauthorized: (loginView) => use((session) => session.unauthorized(loginView)),
  get needsRefresh() {
    return use((session) => session.needsRefresh)
  }
}

/**
 * The context of the login manager's Layer: the manager, and `Session` for
 * every request it serves. `Session` stays out of the Layer's type: the
 * compiler still asks for `LoginManager.middleware`, which registers the
 * write-back of each request's session.
 *
 * @internal
 */
export const layerContext = (manager: LoginManager.LoginManager): Context.Context<LoginManager.LoginManager> =>
  Context.make(LoginManager.LoginManager, manager).pipe(
    Context.add(Session.Session, current)
  ) as Context.Context<LoginManager.LoginManager>

/**
 * The middleware's work: register the write-back, and provide `Session` when
 * the login manager came without its Layer (made with `make`, provided by hand).
 *
 * @internal
 */
export const enter = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, Exclude<R, Session.Session>> =>
  Effect.withFiber((fiber) => {
    const manager = Context.getUnsafe(fiber.context, LoginManager.LoginManager)
    const provided = Context.getOrUndefined(fiber.context, Session.Session) !== undefined
    return Effect.andThen(
      sessionsOf.get(manager)?.register ?? Effect.void,
      provided
        ? self as Effect.Effect<A, E, Exclude<R, Session.Session>>
        : Effect.provideService(self, Session.Session, current)
    )
  })
