/**
 * The quickstart example on a real socket (127.0.0.1, a free port), driven by
 * an HttpClient with a cookie jar, as a browser would. The Effect 4 twin of
 * the Effect 3 line's test/Quickstart.test.ts.
 */
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Option, Ref } from "effect"
import { Cookies, FetchHttpClient, HttpClient, HttpClientRequest, HttpServer } from "effect/http"
import { LoginLive, QuickstartApp } from "../examples/quickstart.js"

const server = (env: Record<string, string>) =>
  Layer.unwrap(Effect.map(QuickstartApp, (app) => HttpServer.serve(app))).pipe(
    Layer.provide(LoginLive),
    Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env }))),
    Layer.provideMerge(NodeHttpServer.layerTest)
  )

// The test client's jar, unlike a browser's, sends no Secure cookie to http://127.0.0.1: the flows run
// as the quickstart says to on plain http. The default (Secure) has a test of its own below.
const ServerLive = server({ SESSION_COOKIE_SECURE: "false" })

const browser = Effect.gen(function*() {
  const jar = yield* Ref.make<ReadonlyArray<Cookies.Cookie>>([])
  // Redirects are looked at, not followed (the test client is `fetch`, which follows them by default).
  const client = HttpClient.withCookiesRef(yield* HttpClient.HttpClient, jar).pipe(
    HttpClient.transform((effect) =>
      Effect.provideService(effect, FetchHttpClient.RequestInit, { keepalive: false, redirect: "manual" })
    )
  )
  const get = (path: string) =>
    Effect.flatMap(client.get(path), (res) => Effect.map(res.text, (body) => ({ res, body })))
  const postForm = (path: string, form: Record<string, string>) =>
    Effect.flatMap(
      // What a browser sends with a form of the same site (CSRF protection checks it).
      client.execute(
        HttpClientRequest.post(path).pipe(
          HttpClientRequest.bodyUrlParams(form),
          HttpClientRequest.setHeader("sec-fetch-site", "same-origin")
        )
      ),
      (res) => Effect.map(res.text, (body) => ({ res, body }))
    )
  /** The browser closes: its session cookies go. */
  const drop = (name: string) => Ref.update(jar, (cookies) => cookies.filter((cookie) => cookie.name !== name))
  return { get, postForm, jar, drop }
})

const cookie = (cookies: Cookies.Cookies, name: string) => Option.getOrUndefined(Cookies.get(cookies, name))

describe("quickstart over a real socket", () => {
  it.live("login → protected → logout, with a cookie jar", () =>
    Effect.gen(function*() {
      const { get, postForm } = yield* browser

      assert.include((yield* get("/")).body, `<a href="/login">Log in</a>`)
      const refused = yield* get("/protected?x=1")
      assert.strictEqual(refused.res.status, 302)
      assert.strictEqual(refused.res.headers.location, "/login?next=%2Fprotected%3Fx%3D1")
      const form = (yield* get("/login?next=%2Fprotected%3Fx%3D1")).body
      assert.include(form, `action="/login?next=%2Fprotected%3Fx%3D1"`)
      assert.include(form, `<p class="message">Please log in to access this page.</p>`)

      const wrong = yield* postForm("/login", { username: "testuser", password: "nope" })
      assert.strictEqual(wrong.res.status, 401)
      assert.strictEqual(wrong.body, "Invalid credentials")
      assert.strictEqual((yield* get("/protected")).res.status, 302)

      const ok = yield* postForm("/login?next=%2Fprotected%3Fx%3D1", { username: "testuser", password: "testpass" })
      assert.strictEqual(ok.res.status, 303)
      assert.strictEqual(ok.res.headers.location, "/protected?x=1")
      assert.isTrue(cookie(ok.res.cookies, "session")?.options?.httpOnly === true)

      assert.include((yield* get("/protected")).body, "Logged in as: testuser")
      assert.include((yield* get("/")).body, "Logged in as testuser")

      const logout = yield* get("/logout")
      assert.strictEqual(logout.res.status, 200)
      assert.strictEqual((yield* get("/protected")).res.status, 302)
    }).pipe(Effect.provide(ServerLive)))

  it.live("by default the cookies are Secure (browsers keep them on http://localhost)", () =>
    Effect.gen(function*() {
      const { postForm } = yield* browser
      const ok = yield* postForm("/login", { username: "another", password: "anotherpass", remember: "on" })
      assert.strictEqual(ok.res.status, 303)
      for (const name of ["__Host-session", "__Host-remember_token"]) {
        const options = cookie(ok.res.cookies, name)?.options
        assert.isTrue(options?.secure === true && options.httpOnly === true, name)
      }
    }).pipe(Effect.provide(server({}))))

  it.live("a next with non-ASCII characters redirects, percent-encoded, rather than answer 500", () =>
    Effect.gen(function*() {
      const { postForm } = yield* browser
      const ok = yield* postForm(`/login?next=${encodeURIComponent("/佐藤?q=é")}`, {
        username: "testuser",
        password: "testpass"
      })
      assert.strictEqual(ok.res.status, 303)
      assert.strictEqual(ok.res.headers.location, "/%E4%BD%90%E8%97%A4?q=%C3%A9")
    }).pipe(Effect.provide(ServerLive)))

  it.live("remember me: still logged in after the browser drops the session cookie", () =>
    Effect.gen(function*() {
      const { drop, get, postForm } = yield* browser
      const ok = yield* postForm("/login", { username: "another", password: "anotherpass", remember: "on" })
      assert.strictEqual(ok.res.status, 303)
      assert.isTrue(cookie(ok.res.cookies, "remember_token")?.options?.httpOnly === true)

      // Closing the browser: session cookies go, the persistent remember cookie stays.
      yield* drop("session")
      assert.include((yield* get("/protected")).body, "Logged in as: another")

      yield* get("/logout")
      yield* drop("session")
      assert.strictEqual((yield* get("/protected")).res.status, 302)
    }).pipe(Effect.provide(ServerLive)))

  it.live("a hostile next is never followed", () =>
    Effect.gen(function*() {
      const { postForm } = yield* browser
      for (
        const next of [
          "//evil.com",
          "/\\evil.com",
          "https://evil.com/",
          "javascript:alert(1)",
          " /x",
          "/%2F%2Fevil.com"
        ]
      ) {
        const res = (yield* postForm("/login", { username: "another", password: "anotherpass", next })).res
        assert.strictEqual(res.status, 303, next)
        assert.strictEqual(res.headers.location, "/", next)
      }
    }).pipe(Effect.provide(ServerLive)))

  it.live("a form without the fields is an invalid login, not a 500", () =>
    Effect.gen(function*() {
      const { postForm } = yield* browser
      const res = yield* postForm("/login", { user: "testuser" })
      assert.strictEqual(res.res.status, 401)
    }).pipe(Effect.provide(ServerLive)))

  it.live(
    "the 11th attempt on one account within 15 minutes is refused (429) before the password is checked",
    () =>
      Effect.gen(function*() {
        const { postForm } = yield* browser
        for (let i = 0; i < 10; i++) {
          assert.strictEqual((yield* postForm("/login", { username: "testuser", password: "nope" })).res.status, 401)
        }
        const refused = yield* postForm("/login", { username: "testuser", password: "testpass" })
        assert.strictEqual(refused.res.status, 429)
        assert.strictEqual(refused.body, "Too many login attempts")
        const retryAfter = Number(refused.res.headers["retry-after"])
        assert.isTrue(retryAfter > 0 && retryAfter <= 15 * 60, String(retryAfter))
        // Another account is not affected.
        assert.strictEqual(
          (yield* postForm("/login", { username: "another", password: "anotherpass" })).res.status,
          303
        )
      }).pipe(Effect.provide(ServerLive)),
    60_000
  )
})
