/**
 * Testing with effect-login (Flask-Login's `FlaskLoginClient`, done better):
 * a `Session` that needs no cookie at all, for unit tests of handlers, and an
 * `HttpClient` already logged in, for tests against a running server.
 *
 * Swapping the user store is the `layer` of `UserLoader.make` with a test
 * lookup: `layer((id) => Effect.succeed(Option.fromNullishOr(testUsers.get(id))))`.
 *
 * @since 0.2.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Cookies from "effect/http/Cookies"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as testSession from "./internal/testSession.js"
import type { SessionStoreError } from "./LoginError.js"
import * as LoginManager from "./LoginManager.js"
import type * as Session from "./Session.js"
import type * as UserLoader from "./UserLoader.js"

/**
 * What an in-memory test session starts with.
 *
 * @since 0.2.0
 * @category models
 */
export interface SessionOptions<User> {
  /** The logged-in user; anonymous when absent. */
  readonly user?: User | undefined
  /** Default `true` when there is a user. */
  readonly fresh?: boolean | undefined
  /** As if the request carried a valid remember cookie of the user. Default `false`. */
  readonly remembered?: boolean | undefined
}

/**
 * An in-memory `Session`: logins, logouts, data and flashes behave as in a
 * request, with no cookie, clock or user store behind them. Anonymous requests
 * on `loginRequired` routes get a plain 401.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeSession: <User>(options?: SessionOptions<User>) => Session.Session = testSession.makeSession

/**
 * A `Session` Layer for unit tests of handlers: `CurrentUser` is the given
 * user (or anonymous), with the given freshness.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { LoginTest, UserLoader } from "@effect-login/effect4"
 *
 * interface User {
 *   readonly id: string
 *   readonly name: string
 * }
 * const { CurrentUser, isAuthenticated } = UserLoader.make("example/Users", { id: (user: User) => user.id })
 *
 * const greeting = Effect.map(CurrentUser, (user) => (isAuthenticated(user) ? `Hello ${user.name}` : "Hello"))
 *
 * // A handler's unit test, with no cookie, clock or store.
 * Effect.runSync(greeting.pipe(Effect.provide(LoginTest.layerSession<User>({ user: { id: "1", name: "Ada" } }))))
 * // "Hello Ada"
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerSession: <User>(options?: SessionOptions<User>) => Layer.Layer<Session.Session> =
  testSession.layerSession

/**
 * The session cookie of a login of `user`, one of the users of the
 * declaration `users`, as the running server would set it.
 *
 * @since 0.2.0
 * @category constructors
 */
export const sessionCookie = <Key extends string, User>(
  // Only for the type of `user`.
  _users: UserLoader.Users<Key, User>,
  user: NoInfer<User>,
  options?: { readonly fresh?: boolean | undefined }
): Effect.Effect<Cookies.Cookie, SessionStoreError, LoginManager.LoginManager> =>
  Effect.flatMap(LoginManager.LoginManager, (manager) => manager.issueSessionCookie(user, options))

/**
 * The `HttpClient` of the environment, already logged in as `user` (one of
 * the users of the declaration `users`) against the server that shares this
 * `LoginManager`, with a cookie jar that follows the server's cookies from
 * then on. For an `HttpApiClient`:
 * `HttpApiClient.makeWith(Api, { httpClient: yield* LoginTest.loggedInClient(Users, user) })`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const loggedInClient = <Key extends string, User>(
  users: UserLoader.Users<Key, User>,
  user: NoInfer<User>,
  options?: { readonly fresh?: boolean | undefined }
): Effect.Effect<HttpClient.HttpClient, SessionStoreError, HttpClient.HttpClient | LoginManager.LoginManager> =>
  Effect.gen(function*() {
    const cookie = Cookies.fromIterable([yield* sessionCookie(users, user, options)])
    const jar = yield* Ref.make<ReadonlyArray<Cookies.Cookie>>([])
    // Effect 4's jar sends a cookie only to the host that set it: the session cookie goes in on
    // the first request, as if that request's server had set it, and the server's cookies follow.
    let seeded = false
    const seed = (request: HttpClientRequest.HttpClientRequest) =>
      seeded ? Effect.succeed(request) : Effect.flatMap(Clock.currentTimeMillis, (now) => {
        seeded = true
        return Effect.as(Ref.update(jar, Cookies.mergeIntoArray(request.url, cookie, now)), request)
      })
    return HttpClient.withCookiesRef(HttpClient.mapRequestEffect(yield* HttpClient.HttpClient, seed), jar)
  })
