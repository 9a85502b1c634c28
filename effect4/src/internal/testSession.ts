/**
 * The in-memory session of the test Layers (public through `LoginTest` and
 * the `layerTest` of `UserLoader.make`).
 *
 * @internal
 */
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Identity from "../Identity.js"
import type * as LoginTest from "../LoginTest.js"
import * as Session from "../Session.js"
import type { Flash } from "../SessionCookie.js"

// Declared where it is public: a type of an internal module is stripped from the published declarations.
type SessionOptions<User> = LoginTest.SessionOptions<User>

/**
 * An in-memory `Session`: logins, logouts, data and flashes behave as in a
 * request, with no cookie, clock or user store behind them. Anonymous requests
 * on `loginRequired` routes get a plain 401.
 *
 * @internal
 */
export const makeSession = <User>(options: SessionOptions<User> = {}): Session.Session => {
  let user: Option.Option<unknown> = Option.fromNullishOr(options.user)
  let fresh = Option.isSome(user) && (options.fresh ?? true)
  let remembered = Option.isSome(user) && (options.remembered ?? false)
  const data = new Map<string, unknown>()
  let flashes: Array<Flash> = []
  let next = Option.none<string>()
  const refusal = Effect.succeed(HttpServerResponse.text("Unauthorized", { status: 401 }))
  return {
    [Session.TypeId]: Session.TypeId,
    user: Effect.sync(() => user),
    authenticated: Effect.sync(() => user),
    login: (newUser, login) =>
      Effect.sync(() => {
        user = Option.some(newUser)
        fresh = login?.fresh ?? true
        remembered = login?.remember ?? false
        return true
      }),
    logout: Effect.sync(() => {
      user = Option.none()
      fresh = false
      remembered = false
    }),
    confirmLogin: Effect.sync(() => {
      fresh = Option.isSome(user)
    }),
    isFresh: Effect.sync(() => fresh),
    isRemembered: Effect.sync(() => remembered),
    get: (key) => Effect.sync(() => data.has(key) ? Option.some(data.get(key)) : Option.none()),
    set: (key, value) => Effect.sync(() => void data.set(key, value)),
    remove: (key) => Effect.sync(() => void data.delete(key)),
    flash: (message, category) => Effect.sync(() => void flashes.push([category, message])),
    takeFlashes: Effect.sync(() => {
      const taken = flashes
      flashes = []
      return taken
    }),
    takeNext: Effect.sync(() => {
      const taken = next
      next = Option.none()
      return taken
    }),
    listSessions: Effect.sync(() =>
      Option.isSome(user)
        ? [{
          kind: "session",
          current: true,
          createdAt: 0,
          expiresAt: undefined,
          lastUsedAt: undefined,
          userAgent: undefined
        }]
        : []
    ),
    logoutOtherDevices: Effect.succeed(0),
    logoutEverywhere: Effect.sync(() => {
      user = Option.none()
      fresh = false
      remembered = false
      return 0
    }),
    unauthorized: () => refusal,
    needsRefresh: refusal
  }
}

/**
 * A `Session` Layer for unit tests of handlers: `CurrentUser` is the given
 * user (or anonymous), with the given freshness.
 *
 * @internal
 */
export const layerSession = <User>(options: SessionOptions<User> = {}): Layer.Layer<Session.Session> =>
  Layer.sync(Session.Session, () => makeSession(options))

/**
 * A Layer for handlers that need the authenticated user: `Session`,
 * `AuthenticatedUser` and, unless the login is not fresh, `FreshUser`, under
 * the tags of one declaration (the typed `layerTest` of `UserLoader.make`).
 *
 * @internal
 */
export const layerUser = <Key extends string, User>(
  tags: {
    readonly authenticated: Context.Service<Identity.AuthenticatedUser<Key>, Identity.Authenticated<User>>
    readonly fresh: Context.Service<Identity.FreshUser<Key>, Identity.Fresh<User>>
  },
  user: User,
  options: { readonly fresh?: boolean | undefined; readonly remembered?: boolean | undefined } = {}
): Layer.Layer<Session.Session | Identity.AuthenticatedUser<Key>> => {
  const fresh = options.fresh ?? true
  // Test Layers are, with the guards, the only places that put the brands on a user.
  const base = Layer.mergeAll(
    layerSession({ user, fresh, remembered: options.remembered }),
    Layer.succeed(tags.authenticated, user as Identity.Authenticated<User>)
  )
  // Not fresh: FreshUser is absent at run time too, as it would be behind freshLoginRequired.
  return fresh ? Layer.merge(base, Layer.succeed(tags.fresh, user as Identity.Fresh<User>)) : base
}
