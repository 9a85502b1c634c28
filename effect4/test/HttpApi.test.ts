/**
 * The HttpApi example (the Effect 3 line's examples/http-api.ts, on Effect 4)
 * on a real socket, driven by its typed HttpApiClient with a cookie jar: the
 * same login → protected → logout flow as on HttpRouter, schema'd 401s and
 * 503s, API keys, fresh logins, and the OpenAPI document.
 */
import {
  HttpApiLogin,
  LoginEvents,
  LoginManager,
  LoginTest,
  RequestLoader,
  Session,
  UserLoader
} from "@effect-login/effect4"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, PubSub, Redacted, Ref, Schema } from "effect"
import type { Cookies } from "effect/http"
import { HttpClient, HttpClientRequest, HttpRouter } from "effect/http"
import { HttpApi, HttpApiBuilder, HttpApiClient, HttpApiEndpoint, HttpApiGroup, HttpApiSecurity } from "effect/http-api"
import { timingSafeEqual } from "node:crypto"

// --- The example app ---------------------------------------------------------------

class User extends Schema.Class<User>("User")({
  id: Schema.String,
  name: Schema.String,
  role: Schema.Literals(["admin", "member"])
}) {}

interface Account {
  readonly user: User
  readonly password: string
  readonly apiKey: string
}

const accounts: ReadonlyArray<Account> = [
  { user: new User({ id: "1", name: "Ada", role: "admin" }), password: "ada-pw", apiKey: "key-ada-0123456789" },
  { user: new User({ id: "2", name: "Bob", role: "member" }), password: "bob-pw", apiKey: "key-bob-0123456789" }
]

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

const Users = UserLoader.make("app/Users", { id: (user: User) => user.id })
const { AuthenticatedUser, FreshUser, login } = Users

// The id `broken` (a session cookie issued for it) makes the user store fail.
const UsersLive = Users.layer(
  (id) =>
    id === "broken"
      ? Effect.fail("database is down")
      : Effect.succeed(Option.fromNullishOr(accounts.find((a) => a.user.id === id)?.user)),
  {
    requestLoaders: [
      RequestLoader.header("X-API-Key", (key) =>
        Effect.succeed(
          Option.fromNullishOr(accounts.find((a) => sameSecret(a.apiKey, Redacted.value(key)))?.user)
        ))
    ]
  }
)

/** Scripts authenticate with an API key; the OpenAPI document shows both ways in. */
class LoginRequired extends HttpApiLogin.Service<LoginRequired>()(
  "app/LoginRequired",
  HttpApiLogin.loginRequired(Users, {
    session: HttpApiLogin.sessionCookie(),
    apiKey: HttpApiSecurity.apiKey({ in: "header", key: "X-API-Key" })
  })
) {}

/** Admin endpoints want the password entered in this session: no API key, no remembered login. */
class FreshLoginRequired extends HttpApiLogin.Service<FreshLoginRequired>()(
  "app/FreshLoginRequired",
  HttpApiLogin.freshLoginRequired(Users, { session: HttpApiLogin.sessionCookie() })
) {}

class InvalidCredentials extends Schema.TaggedError<InvalidCredentials>()(
  "InvalidCredentials",
  { message: Schema.String },
  { httpApiStatus: 401 }
) {}

class Forbidden extends Schema.TaggedError<Forbidden>()(
  "Forbidden",
  { message: Schema.String },
  { httpApiStatus: 403 }
) {}

const Credentials = Schema.Struct({ username: Schema.String, password: Schema.String })

class AuthGroup extends HttpApiGroup.make("auth")
  .add(
    HttpApiEndpoint.post("login", "/auth/login", { payload: Credentials, success: User, error: InvalidCredentials }),
    HttpApiEndpoint.post("logout", "/auth/logout")
  )
  .middleware(HttpApiLogin.Authentication)
{}

class MeGroup extends HttpApiGroup.make("me")
  .add(HttpApiEndpoint.get("me", "/me", { success: User }))
  .middleware(LoginRequired)
{}

class AdminGroup extends HttpApiGroup.make("admin")
  .add(
    HttpApiEndpoint.get("stats", "/admin/stats", {
      success: Schema.Struct({ users: Schema.Number }),
      error: Forbidden
    })
  )
  .middleware(FreshLoginRequired)
{}

class Api extends HttpApi.make("api").add(AuthGroup).add(MeGroup).add(AdminGroup) {}

const AuthLive = HttpApiBuilder.group(Api, "auth", (handlers) =>
  handlers
    .handle("login", ({ payload }) =>
      Effect.gen(function*() {
        const account = accounts.find((a) => a.user.name === payload.username)
        if (account === undefined || !sameSecret(account.password, payload.password)) {
          return yield* new InvalidCredentials({ message: "Invalid credentials" })
        }
        // A login cookie of a few hundred bytes cannot exceed the 4 KB limit: a defect if it did.
        yield* login(account.user).pipe(
          Effect.catchTag("SessionTooLarge", Effect.die),
          HttpApiLogin.orServiceUnavailable
        )
        return account.user
      }))
    .handle("logout", () => HttpApiLogin.orServiceUnavailable(Session.logout)))

const MeLive = HttpApiBuilder.group(Api, "me", (handlers) => handlers.handle("me", () => AuthenticatedUser))

const AdminLive = HttpApiBuilder.group(
  Api,
  "admin",
  (handlers) =>
    handlers.handle("stats", () =>
      Effect.gen(function*() {
        const user = yield* FreshUser
        if (user.role !== "admin") return yield* new Forbidden({ message: "Admins only" })
        return { users: accounts.length }
      }))
)

/** The API with its handlers, effect-login's middleware and the OpenAPI document. */
const ApiLive = HttpApiBuilder.layer(Api, { openapiPath: "/docs/openapi.json" }).pipe(
  Layer.provide([AuthLive, MeLive, AdminLive]),
  Layer.provide([
    HttpApiLogin.layer,
    HttpApiLogin.layerLoginRequired(LoginRequired),
    HttpApiLogin.layerFreshLoginRequired(FreshLoginRequired)
  ])
)

const LoginLive = LoginManager.layer({
  secretKey: Redacted.make("development-only-secret-do-not-use-in-production!"),
  cookie: { secure: false }
}).pipe(Layer.provide(UsersLive))

// The login manager stays visible: tests log in through it.
const ServerLive = HttpRouter.serve(ApiLive, { disableLogger: true }).pipe(
  Layer.provideMerge(LoginLive),
  Layer.provideMerge(NodeHttpServer.layerTest)
)

// --- The tests -----------------------------------------------------------------

const client = Effect.gen(function*() {
  const jar = yield* Ref.make<ReadonlyArray<Cookies.Cookie>>([])
  // A browser-like client: it says where its requests come from (CSRF protection checks it).
  const httpClient = HttpClient.withCookiesRef(yield* HttpClient.HttpClient, jar).pipe(
    HttpClient.mapRequest(HttpClientRequest.setHeader("sec-fetch-site", "same-origin"))
  )
  return { api: yield* HttpApiClient.makeWith(Api, { httpClient }), jar }
})

const ada = new User({ id: "1", name: "Ada", role: "admin" })
const bob = new User({ id: "2", name: "Bob", role: "member" })

describe("HttpApi", () => {
  it.live("login → protected → logout → refused, through HttpApiClient", () =>
    Effect.gen(function*() {
      const { api, jar } = yield* client
      const anonymous = yield* Effect.flip(api.me.me())
      assert.strictEqual(anonymous._tag, "Unauthorized")

      const wrong = yield* Effect.flip(api.auth.login({ payload: { username: "Ada", password: "nope" } }))
      assert.strictEqual(wrong._tag, "InvalidCredentials")

      assert.deepStrictEqual(yield* api.auth.login({ payload: { username: "Ada", password: "ada-pw" } }), ada)
      const session = (yield* Ref.get(jar)).find((cookie) => cookie.name === "session")
      assert.isTrue(session !== undefined && session.options?.httpOnly === true)
      assert.deepStrictEqual(yield* api.me.me(), ada)
      assert.deepStrictEqual(yield* api.admin.stats(), { users: 2 })

      yield* api.auth.logout()
      assert.strictEqual((yield* Effect.flip(api.me.me()))._tag, "Unauthorized")
    }).pipe(Effect.provide(ServerLive)))

  it.live("a 401 body matches its schema", () =>
    Effect.gen(function*() {
      const http = yield* HttpClient.HttpClient
      const response = yield* http.get("/me")
      assert.strictEqual(response.status, 401)
      assert.deepStrictEqual(yield* response.json, { _tag: "Unauthorized", message: "Login required" })
    }).pipe(Effect.provide(ServerLive)))

  it.live("scripts use an API key (request loader); a wrong key is refused", () =>
    Effect.gen(function*() {
      const http = yield* HttpClient.HttpClient
      const ok = yield* http.execute(
        HttpClientRequest.get("/me").pipe(HttpClientRequest.setHeader("x-api-key", "key-bob-0123456789"))
      )
      assert.deepStrictEqual(yield* ok.json, { id: "2", name: "Bob", role: "member" })
      // Not written to a session.
      assert.isUndefined(ok.headers["set-cookie"])
      const wrong = yield* http.execute(
        HttpClientRequest.get("/me").pipe(HttpClientRequest.setHeader("x-api-key", "key-bob-0123456788"))
      )
      assert.strictEqual(wrong.status, 401)
      // An API key is not a fresh login.
      const admin = yield* http.execute(
        HttpClientRequest.get("/admin/stats").pipe(HttpClientRequest.setHeader("x-api-key", "key-ada-0123456789"))
      )
      assert.strictEqual(admin.status, 401)
      assert.deepStrictEqual(yield* admin.json, { _tag: "NeedsRefresh", message: "A fresh login is required" })
    }).pipe(Effect.provide(ServerLive)))

  it.live("LoginTest.loggedInClient: an HttpApiClient already logged in, fresh or not", () =>
    Effect.gen(function*() {
      const fresh = yield* HttpApiClient.makeWith(Api, { httpClient: yield* LoginTest.loggedInClient(Users, ada) })
      assert.deepStrictEqual(yield* fresh.me.me(), ada)
      assert.deepStrictEqual(yield* fresh.admin.stats(), { users: 2 })

      const stale = yield* HttpApiClient.makeWith(Api, {
        httpClient: yield* LoginTest.loggedInClient(Users, ada, { fresh: false })
      })
      const events = yield* LoginEvents.subscribe
      assert.strictEqual((yield* Effect.flip(stale.admin.stats()))._tag, "NeedsRefresh")
      // The same event as the router's refusal, with the user it refused.
      const refused = (yield* PubSub.takeAll(events)).filter(LoginEvents.LoginEvent.$is("NeedsRefresh"))
      assert.deepStrictEqual(refused, [LoginEvents.LoginEvent.NeedsRefresh({ userId: "1" })])

      const member = yield* HttpApiClient.makeWith(Api, { httpClient: yield* LoginTest.loggedInClient(Users, bob) })
      assert.strictEqual((yield* Effect.flip(member.admin.stats()))._tag, "Forbidden")
    }).pipe(Effect.provide(ServerLive)))

  it.live("an anonymous request tried with every scheme is one Unauthorized event", () =>
    Effect.gen(function*() {
      const { api } = yield* client
      const events = yield* LoginEvents.subscribe
      assert.strictEqual((yield* Effect.flip(api.me.me()))._tag, "Unauthorized")
      const refused = (yield* PubSub.takeAll(events)).filter(LoginEvents.LoginEvent.$is("Unauthorized"))
      assert.deepStrictEqual(refused, [LoginEvents.LoginEvent.Unauthorized()])
    }).pipe(Effect.provide(ServerLive)))

  it.live("a failing user store is a schema'd 503, not anonymous", () =>
    Effect.gen(function*() {
      const api = yield* HttpApiClient.makeWith(Api, {
        httpClient: yield* LoginTest.loggedInClient(Users, new User({ id: "broken", name: "?", role: "member" }))
      })
      assert.strictEqual((yield* Effect.flip(api.me.me()))._tag, "ServiceUnavailable")
      assert.strictEqual((yield* Effect.flip(api.admin.stats()))._tag, "ServiceUnavailable")
      const http = yield* LoginTest.loggedInClient(Users, new User({ id: "broken", name: "?", role: "member" }))
      const response = yield* http.get("/me")
      assert.strictEqual(response.status, 503)
      assert.deepStrictEqual(yield* response.json, {
        _tag: "ServiceUnavailable",
        message: "The user or session store is unavailable"
      })
    }).pipe(Effect.provide(ServerLive)))

  it.live("a cross-site logout carrying the session cookie is refused; the session stays", () =>
    Effect.gen(function*() {
      const http = yield* LoginTest.loggedInClient(Users, ada)
      const forged = yield* http.execute(
        HttpClientRequest.post("/auth/logout").pipe(HttpClientRequest.setHeader("sec-fetch-site", "cross-site"))
      )
      assert.strictEqual(forged.status, 403)
      const api = yield* HttpApiClient.makeWith(Api, { httpClient: http })
      assert.deepStrictEqual(yield* api.me.me(), ada)
      const sameSite = yield* http.execute(
        HttpClientRequest.post("/auth/logout").pipe(HttpClientRequest.setHeader("sec-fetch-site", "same-origin"))
      )
      assert.strictEqual(sameSite.status, 204)
      assert.strictEqual((yield* Effect.flip(api.me.me()))._tag, "Unauthorized")
    }).pipe(Effect.provide(ServerLive)))

  it.live("the OpenAPI document shows the security schemes", () =>
    Effect.gen(function*() {
      const http = yield* HttpClient.HttpClient
      const doc: any = yield* Effect.flatMap(http.get("/docs/openapi.json"), (r) => r.json)
      // The default cookie's name. This server's cookie is not Secure (the test client's jar sends no Secure
      // cookie to http://127.0.0.1), so it is plain "session" here; in production it is this one.
      assert.deepStrictEqual(doc.components.securitySchemes, {
        session: { type: "apiKey", name: "__Host-session", in: "cookie" },
        apiKey: { type: "apiKey", name: "X-API-Key", in: "header" }
      })
      assert.deepStrictEqual(doc.paths["/me"].get.security, [{ session: [] }, { apiKey: [] }])
      assert.deepStrictEqual(doc.paths["/admin/stats"].get.security, [{ session: [] }])
      assert.isDefined(doc.paths["/me"].get.responses["401"])
      assert.isDefined(doc.paths["/me"].get.responses["503"])
      assert.isDefined(doc.paths["/admin/stats"].get.responses["401"])
    }).pipe(Effect.provide(ServerLive)))
})

describe("HttpApiLogin layers", () => {
  it("check, when built, the middleware they implement", () => {
    class Stale extends HttpApiLogin.Service<Stale>()(
      "app/Stale",
      HttpApiLogin.freshLoginRequired(Users, { session: HttpApiLogin.sessionCookie() })
    ) {}
    // The types refuse it; a program that casts its way past them still fails loudly.
    assert.throws(
      () => HttpApiLogin.layerLoginRequired(Stale as any),
      "HttpApiLogin.layerLoginRequired needs a middleware made with HttpApiLogin.loginRequired; " +
        "app/Stale provides effect-login/FreshUser/app/Users"
    )
    assert.throws(
      () => HttpApiLogin.layerAuthentication(LoginRequired as any),
      "HttpApiLogin.layerAuthentication needs a middleware made with HttpApiLogin.authentication"
    )
  })
})
