/**
 * docs/getting-started.md's app (examples/getting-started.ts), end to end on a real socket, configured from
 * the environment as the page says.
 */
import { Cookies, HttpClient, HttpClientRequest, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Ref } from "effect"
import { App, LoginLive } from "../examples/getting-started.js"

const environment = ConfigProvider.fromMap(new Map([["SECRET_KEY", "a-test-secret-of-at-least-32-bytes-0123456789"]]))

const ServerLive = HttpServer.serve(App).pipe(
  Layer.provide(LoginLive),
  Layer.provide(Layer.setConfigProvider(environment)),
  Layer.provideMerge(NodeHttpServer.layerTest)
)

describe("getting started", () => {
  it.scoped("anonymous → login form → wrong password → login → protected page → logout → refused again", () =>
    Effect.gen(function*() {
      const jar = yield* Ref.make(Cookies.empty)
      const client = HttpClient.withCookiesRef(yield* HttpClient.HttpClient, jar)
      const get = (path: string) =>
        Effect.flatMap(client.get(path), (res) => Effect.map(res.text, (body) => ({ res, body })))
      // What a browser's form on this site sends: CSRF protection lets it through.
      const post = (path: string, form: Record<string, string> = {}) =>
        client.execute(
          HttpClientRequest.post(path).pipe(
            HttpClientRequest.bodyUrlParams(form),
            HttpClientRequest.setHeader("sec-fetch-site", "same-origin")
          )
        )

      assert.include((yield* get("/")).body, "Hello, stranger")
      const refused = yield* get("/me")
      assert.strictEqual(refused.res.status, 302)
      assert.strictEqual(refused.res.headers.location, "/login?next=%2Fme")
      assert.include((yield* get("/login?next=%2Fme")).body, `<input name="password" type="password">`)

      assert.strictEqual((yield* post("/login?next=%2Fme", { username: "ada", password: "wrong" })).status, 401)
      assert.strictEqual((yield* post("/login?next=%2Fme", { username: "nobody", password: "x" })).status, 401)
      assert.strictEqual((yield* post("/login?next=%2Fme", { password: "lovelace" })).status, 401)

      const loggedIn = yield* post("/login?next=%2Fme", { username: "ada", password: "lovelace" })
      assert.strictEqual(loggedIn.status, 303)
      assert.strictEqual(loggedIn.headers.location, "/me")
      assert.include((yield* get("/me")).body, "This is Ada's page.")
      assert.include((yield* get("/")).body, "Hello Ada.")

      const loggedOut = yield* post("/logout")
      assert.strictEqual(loggedOut.status, 303)
      assert.strictEqual((yield* get("/me")).res.status, 302)
      assert.include((yield* get("/")).body, "Hello, stranger")
    }).pipe(Effect.provide(ServerLive)))

  it.scoped("without SECRET_KEY the server does not start, and says what to set", () =>
    Effect.gen(function*() {
      const error = yield* Layer.build(LoginLive).pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map())),
        Effect.flip
      )
      assert.strictEqual(error._tag, "LoginConfigError")
      assert.include(error.message, "SECRET_KEY")
    }))
})
