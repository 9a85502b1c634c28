/**
 * examples/http-api.ts on a real socket, driven by its typed HttpApiClient
 * with a cookie jar: the same login → protected → logout flow as on HttpRouter,
 * schema'd 401s, API keys, fresh logins, and the OpenAPI document.
 */
import { Cookies, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Queue, Ref } from "effect"
import { LoginEvents, LoginTest } from "effect-login"
import { Api, AppLive, User, Users } from "../examples/http-api.js"

const ServerLive = AppLive.pipe(Layer.provideMerge(NodeHttpServer.layerTest))

const client = Effect.gen(function*() {
  const jar = yield* Ref.make(Cookies.empty)
  // A browser-like client: it says where its requests come from (CSRF protection checks it).
  const httpClient = HttpClient.withCookiesRef(yield* HttpClient.HttpClient, jar).pipe(
    HttpClient.mapRequest(HttpClientRequest.setHeader("sec-fetch-site", "same-origin"))
  )
  return { api: yield* HttpApiClient.makeWith(Api, { httpClient }), jar }
})

const ada = new User({ id: "1", name: "Ada", role: "admin" })
const bob = new User({ id: "2", name: "Bob", role: "member" })

describe("HttpApi", () => {
  it.scoped("login → protected → logout → refused, through HttpApiClient", () =>
    Effect.gen(function*() {
      const { api, jar } = yield* client
      const anonymous = yield* Effect.flip(api.me.me())
      assert.strictEqual(anonymous._tag, "Unauthorized")

      const wrong = yield* Effect.flip(api.auth.login({ payload: { username: "Ada", password: "nope" } }))
      assert.strictEqual(wrong._tag, "InvalidCredentials")

      assert.deepStrictEqual(yield* api.auth.login({ payload: { username: "Ada", password: "ada-pw" } }), ada)
      const session = Cookies.get(yield* Ref.get(jar), "__Host-session")
      assert.isTrue(session._tag === "Some" && session.value.options?.httpOnly === true)
      assert.deepStrictEqual(yield* api.me.me(), ada)
      assert.deepStrictEqual(yield* api.admin.stats(), { users: 2 })

      yield* api.auth.logout()
      assert.strictEqual((yield* Effect.flip(api.me.me()))._tag, "Unauthorized")
    }).pipe(Effect.provide(ServerLive)))

  it.scoped("a 401 body matches its schema", () =>
    Effect.gen(function*() {
      const http = yield* HttpClient.HttpClient
      const response = yield* http.get("/me")
      assert.strictEqual(response.status, 401)
      assert.deepStrictEqual(yield* response.json, { _tag: "Unauthorized", message: "Login required" })
    }).pipe(Effect.provide(ServerLive)))

  it.scoped("scripts use an API key (request loader); a wrong key is refused", () =>
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
      assert.deepStrictEqual(yield* admin.json, { _tag: "NeedsRefresh", message: "A fresh login is required" })
    }).pipe(Effect.provide(ServerLive)))

  it.scoped("LoginTest.loggedInClient: an HttpApiClient already logged in, fresh or not", () =>
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
      const refused = Chunk.toReadonlyArray(yield* Queue.takeAll(events)).filter(
        LoginEvents.LoginEvent.$is("NeedsRefresh")
      )
      assert.deepStrictEqual(refused, [LoginEvents.LoginEvent.NeedsRefresh({ userId: "1" })])

      const member = yield* HttpApiClient.makeWith(Api, { httpClient: yield* LoginTest.loggedInClient(Users, bob) })
      assert.strictEqual((yield* Effect.flip(member.admin.stats()))._tag, "Forbidden")
    }).pipe(Effect.provide(ServerLive)))

  it.scoped("the OpenAPI document shows the security schemes", () =>
    Effect.gen(function*() {
      const http = yield* HttpClient.HttpClient
      const doc: any = yield* Effect.flatMap(http.get("/docs/openapi.json"), (r) => r.json)
      assert.deepStrictEqual(doc.components.securitySchemes, {
        session: { type: "apiKey", name: "__Host-session", in: "cookie" },
        apiKey: { type: "apiKey", name: "X-API-Key", in: "header" }
      })
      assert.deepStrictEqual(doc.paths["/me"].get.security, [{ session: [] }, { apiKey: [] }])
      assert.deepStrictEqual(doc.paths["/admin/stats"].get.security, [{ session: [] }])
      assert.isDefined(doc.paths["/me"].get.responses["401"])
    }).pipe(Effect.provide(ServerLive)))
})
