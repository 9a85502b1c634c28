/**
 * The quickstart example on a real socket (127.0.0.1, a free port), driven by
 * an HttpClient with a cookie jar, as a browser would.
 */
import { Cookies, HttpClient, HttpClientRequest, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Ref } from "effect"
import { LoginLive, QuickstartApp } from "../examples/quickstart.js"

const ServerLive = HttpServer.serve(QuickstartApp).pipe(
  Layer.provide(LoginLive),
  Layer.provideMerge(NodeHttpServer.layerTest)
)

const browser = Effect.gen(function*() {
  const jar = yield* Ref.make(Cookies.empty)
  const client = HttpClient.withCookiesRef(yield* HttpClient.HttpClient, jar)
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
  return { get, postForm, jar }
})

describe("quickstart over a real socket", () => {
  it.scoped("login → protected → logout, with a cookie jar", () =>
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
      const cookie = Cookies.get(ok.res.cookies, "__Host-session")
      assert.isTrue(cookie._tag === "Some" && cookie.value.options?.httpOnly === true)

      assert.include((yield* get("/protected")).body, "Logged in as: testuser")
      assert.include((yield* get("/")).body, "Logged in as testuser")

      const logout = yield* get("/logout")
      assert.strictEqual(logout.res.status, 200)
      assert.strictEqual((yield* get("/protected")).res.status, 302)
    }).pipe(Effect.provide(ServerLive)))

  it.scoped("a next with non-ASCII characters redirects, percent-encoded, rather than answer 500", () =>
    Effect.gen(function*() {
      const { postForm } = yield* browser
      const ok = yield* postForm(`/login?next=${encodeURIComponent("/佐藤?q=é")}`, {
        username: "testuser",
        password: "testpass"
      })
      assert.strictEqual(ok.res.status, 303)
      assert.strictEqual(ok.res.headers.location, "/%E4%BD%90%E8%97%A4?q=%C3%A9")
    }).pipe(Effect.provide(ServerLive)))

  it.scoped("remember me: still logged in after the browser drops the session cookie", () =>
    Effect.gen(function*() {
      const { get, jar, postForm } = yield* browser
      const ok = yield* postForm("/login", { username: "another", password: "anotherpass", remember: "on" })
      assert.strictEqual(ok.res.status, 303)
      const remember = Cookies.get(ok.res.cookies, "__Host-remember_token")
      assert.isTrue(remember._tag === "Some" && remember.value.options?.httpOnly === true)

      // Closing the browser: session cookies go, the persistent remember cookie stays.
      yield* Ref.update(jar, Cookies.remove("__Host-session"))
      assert.include((yield* get("/protected")).body, "Logged in as: another")

      yield* get("/logout")
      yield* Ref.update(jar, Cookies.remove("__Host-session"))
      assert.strictEqual((yield* get("/protected")).res.status, 302)
    }).pipe(Effect.provide(ServerLive)))

  it.scoped("a hostile next is never followed", () =>
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

  it.scoped("a form without the fields is an invalid login, not a 500", () =>
    Effect.gen(function*() {
      const { postForm } = yield* browser
      const res = yield* postForm("/login", { user: "testuser" })
      assert.strictEqual(res.res.status, 401)
    }).pipe(Effect.provide(ServerLive)))
})
