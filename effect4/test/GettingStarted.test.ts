/**
 * docs/effect-3-or-4.md's app on Effect 4 (effect4/examples/getting-started.ts), end to end on a real socket,
 * configured from the environment as the page says: the twin of the Effect 3 line's getting-started test.
 */
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Ref } from "effect"
import type { Cookies } from "effect/http"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import { LoginLive, ServerLive } from "../examples/getting-started.js"

const environment = Layer.succeed(
  ConfigProvider.ConfigProvider,
  ConfigProvider.fromEnv({ env: { SECRET_KEY: "a-test-secret-of-at-least-32-bytes-0123456789" } })
)

const TestServerLive = ServerLive.pipe(
  Layer.provide(environment),
  Layer.provideMerge(NodeHttpServer.layerTest)
)

describe("getting started (Effect 4)", () => {
  it.live("anonymous → login form → wrong password → login → protected page → logout → refused again", () =>
    Effect.gen(function*() {
      const jar = yield* Ref.make<ReadonlyArray<Cookies.Cookie>>([])
      const client = HttpClient.withCookiesRef(yield* HttpClient.HttpClient, jar)
      // Redirects are looked at, not followed (fetch follows them by default).
      const manual = Effect.provideService(FetchHttpClient.RequestInit, { keepalive: false, redirect: "manual" })
      const get = (path: string) =>
        Effect.flatMap(client.get(path), (res) => Effect.map(res.text, (body) => ({ res, body }))).pipe(manual)
      // What a browser's form on this site sends: CSRF protection lets it through.
      const post = (path: string, form: Record<string, string> = {}) =>
        client.execute(
          HttpClientRequest.post(path).pipe(
            HttpClientRequest.bodyUrlParams(form),
            HttpClientRequest.setHeader("sec-fetch-site", "same-origin")
          )
        ).pipe(manual)

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
    }).pipe(Effect.provide(TestServerLive)))

  it.effect("without SECRET_KEY the server does not start, and says what to set", () =>
    Effect.gen(function*() {
      const error = yield* Layer.build(LoginLive).pipe(
        Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env: {} })),
        Effect.flip
      )
      assert.strictEqual(error._tag, "LoginConfigError")
      assert.include(error.message, "SECRET_KEY")
    }))
})
