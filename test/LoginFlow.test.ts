/**
 * The core login flow, in-process: every request goes through the real
 * router, middleware and pre-response step; TestClock drives time.
 */
import { HttpRouter, HttpServerResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted, TestClock } from "effect"
import { LoginManager, Session, SessionCookie } from "effect-login"
import { testClient } from "./utils/client.js"
import { app, layerLoginDisabled, loaderCalls, loginLayer, oldSecretKey, secretKey, users } from "./utils/fixtures.js"

const session = (cookies: Map<string, string>) => cookies.get("session")

const decodeSession = (value: string, key = secretKey) =>
  SessionCookie.make({ secretKey: key, maxAge: "14 days" }).decode(value, 0)

describe("login flow", () => {
  it.effect("login → protected → logout → refused", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      assert.strictEqual((yield* client.get("/username")).body, "Anonymous")
      assert.strictEqual((yield* client.get("/login/1")).body, "true")
      assert.strictEqual((yield* client.get("/username")).body, "Notch")
      const granted = yield* client.get("/protected")
      assert.strictEqual(granted.status, 200)
      assert.strictEqual(granted.body, "Access Granted: Notch")
      const logout = yield* client.get("/logout")
      assert.match(logout.setCookies[0] ?? "", /^session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/)
      assert.strictEqual((yield* client.get("/username")).body, "Anonymous")
      assert.strictEqual((yield* client.get("/protected")).status, 401)
    }).pipe(Effect.provide(loginLayer())))

  it.effect("an anonymous request is sent to the login view with a percent-encoded next", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      const response = yield* client.get("/protected?x=1&y=a%20b+c")
      assert.strictEqual(response.status, 302)
      // As Flask-Login (Werkzeug 3): the path and query as sent, then form-encoded.
      assert.strictEqual(response.location, "/login?next=%2Fprotected%3Fx%3D1%26y%3Da%2520b%2Bc")
    }).pipe(Effect.provide(loginLayer({ loginView: "/login" }))))

  it.effect("a login view with its own query and an absolute one keep their parts", () =>
    Effect.gen(function*() {
      const relative = yield* testClient(app)
      assert.strictEqual(
        (yield* relative.get("/protected")).location,
        "/login?lang=fr&next=%2Fprotected"
      )
    }).pipe(Effect.provide(loginLayer({ loginView: "/login?lang=fr&next=old" }))))

  it.effect("a login view on another site gets the full URL as next", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      assert.strictEqual(
        (yield* client.get("/protected?a=1")).location,
        "https://auth.example.com/login?next=http%3A%2F%2Flocalhost%2Fprotected%3Fa%3D1"
      )
    }).pipe(Effect.provide(loginLayer({ loginView: "https://auth.example.com/login" }))))

  it.effect("without a login view: 401, JSON for clients that accept JSON", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      const plain = yield* client.get("/protected")
      assert.strictEqual(plain.status, 401)
      assert.strictEqual(plain.body, "Unauthorized")
      const json = yield* client.get("/protected", { headers: { accept: "application/json" } })
      assert.strictEqual(json.status, 401)
      assert.deepStrictEqual(JSON.parse(json.body), { error: "Unauthorized", message: "Login required" })
    }).pipe(Effect.provide(loginLayer())))

  it.effect("OPTIONS passes the login requirement", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      const preflight = yield* client.request("/protected-any-method", { method: "OPTIONS" })
      assert.strictEqual(preflight.status, 204)
      assert.isNull(preflight.location)
      assert.strictEqual((yield* client.request("/protected-any-method", { method: "POST" })).status, 302)
      yield* client.get("/login/2")
      const loggedIn = yield* client.request("/protected-any-method", { method: "OPTIONS" })
      assert.strictEqual(loggedIn.body, "Access Granted: Steve")
    }).pipe(Effect.provide(loginLayer({ loginView: "/login" }))))

  it.effect("an inactive user is refused unless forced, and a forced one is still not let in", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      assert.strictEqual((yield* client.get("/login/3")).body, "false")
      assert.isUndefined(session(client.cookies))
      assert.strictEqual((yield* client.get("/username")).body, "Anonymous")
      assert.strictEqual((yield* client.get("/login/3?force=1")).body, "true")
      assert.strictEqual((yield* client.get("/username")).body, "Creeper")
      // Flask-Login's is_authenticated: an inactive user does not pass login_required.
      assert.strictEqual((yield* client.get("/protected")).status, 401)
    }).pipe(Effect.provide(loginLayer())))

  it.effect("logout of an anonymous request is harmless and writes nothing", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      const response = yield* client.get("/logout")
      assert.strictEqual(response.status, 200)
      assert.deepStrictEqual(response.setCookies, [])
    }).pipe(Effect.provide(loginLayer())))

  it.effect("logout keeps the application's session data", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get("/login/1")
      yield* client.get("/set-foo/bar")
      yield* client.get("/logout")
      assert.strictEqual((yield* client.get("/username")).body, "Anonymous")
      assert.strictEqual((yield* client.get("/get-foo")).body, "bar")
    }).pipe(Effect.provide(loginLayer())))

  it.effect("unicode user ids survive the cookie", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get(`/login/${encodeURIComponent("佐藤")}`)
      assert.strictEqual((yield* client.get("/username")).body, "Müller")
    }).pipe(Effect.provide(loginLayer())))

  it.effect("freshness: fresh after a login, not fresh when logged in unfresh", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      assert.strictEqual((yield* client.get("/is-fresh")).body, "false")
      yield* client.get("/login/1")
      assert.strictEqual((yield* client.get("/is-fresh")).body, "true")
      yield* client.get("/login/1?fresh=0")
      assert.strictEqual((yield* client.get("/is-fresh")).body, "false")
    }).pipe(Effect.provide(loginLayer())))
})

describe("Vary", () => {
  const withVary = (vary: string) =>
    Effect.as(
      Effect.flatMap(Session.Session, (session) => session.get("x")),
      HttpServerResponse.text("ok", { headers: { vary } })
    )
  const varyApp = HttpRouter.empty.pipe(
    HttpRouter.get("/encoding", withVary("Accept-Encoding")),
    HttpRouter.get("/cookie", withVary("accept, cookie")),
    LoginManager.middleware
  )

  it.effect("a response that read the session adds Cookie to the Vary it has, once", () =>
    Effect.gen(function*() {
      const client = yield* testClient(varyApp)
      assert.strictEqual((yield* client.get("/encoding")).headers.get("vary"), "Accept-Encoding, Cookie")
      assert.strictEqual((yield* client.get("/cookie")).headers.get("vary"), "accept, cookie")
    }).pipe(Effect.provide(loginLayer())))
})

describe("laziness", () => {
  it.effect("a route that never asks for the user costs no loader call and writes no cookie", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get("/login/1")
      const before = yield* loaderCalls
      const response = yield* client.get("/")
      assert.strictEqual(response.body, "Welcome!")
      assert.strictEqual(yield* loaderCalls, before)
      assert.deepStrictEqual(response.setCookies, [])
      assert.isNull(response.headers.get("vary"))
    }).pipe(Effect.provide(loginLayer())))

  it.effect("the user is loaded at most once per request, even by concurrent fibers", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get("/login/2")
      const before = yield* loaderCalls
      assert.strictEqual((yield* client.get("/username-concurrently")).body, "Steve,Steve,Steve")
      assert.strictEqual((yield* loaderCalls) - before, 1)
    }).pipe(Effect.provide(loginLayer())))

  it.effect("a request that reads the session but changes nothing writes no cookie", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get("/login/1")
      const response = yield* client.get("/protected")
      assert.strictEqual(response.status, 200)
      assert.deepStrictEqual(response.setCookies, [])
      assert.strictEqual(response.headers.get("vary"), "Cookie")
    }).pipe(Effect.provide(loginLayer())))
})

describe("user loader", () => {
  it.effect("a failing store answers 503, not anonymous and not a 500", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get("/login/broken")
      const response = yield* client.get("/protected")
      assert.strictEqual(response.status, 503)
      assert.strictEqual(response.body, "Service Unavailable")
      assert.notInclude(response.body, "database")
      // The session survives the outage.
      assert.deepStrictEqual(response.setCookies, [])
    }).pipe(Effect.provide(loginLayer())))

  it.effect("a loader that throws is a 503 too", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get("/login/throws")
      const response = yield* client.get("/username")
      assert.strictEqual(response.status, 503)
      assert.notInclude(response.body, "bug")
    }).pipe(Effect.provide(loginLayer())))

  it.effect("a user that no longer exists is logged out, and the login keys are cleared", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get("/login/ghost")
      yield* client.get("/set-foo/kept")
      const response = yield* client.get("/username")
      assert.strictEqual(response.body, "Anonymous")
      const decoded = decodeSession(session(client.cookies) ?? "")
      assert.isTrue(decoded._tag === "Right" && decoded.right.session.userId === undefined)
      assert.strictEqual((yield* client.get("/get-foo")).body, "kept")
    }).pipe(Effect.provide(loginLayer())))
})

describe("login disabled (tests only)", () => {
  it.effect("routes behind loginRequired see the stand-in user; CurrentUser stays anonymous", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      assert.strictEqual((yield* client.get("/protected")).body, "Access Granted: Steve")
      assert.strictEqual((yield* client.get("/username")).body, "Anonymous")
    }).pipe(Effect.provide(Layer.merge(loginLayer(), layerLoginDisabled(users.get("2")!)))))
})

describe("session cookie", () => {
  it.effect("has safe attributes by default", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      const response = yield* client.get("/login/1")
      assert.strictEqual(response.setCookies.length, 1)
      assert.match(
        response.setCookies[0]!,
        /^__Host-session=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/
      )
    }).pipe(Effect.provide(loginLayer({ cookie: {} }))))

  // ASVS 3.4.4: where the prefix's rules hold, neither a subdomain nor a plain-http page can set the cookies.
  it.effect("is __Host-session (and __Host-remember_token) when Secure, Path=/ and without Domain", () =>
    Effect.gen(function*() {
      const names = (options: Parameters<typeof loginLayer>[0]) =>
        Effect.gen(function*() {
          const client = yield* testClient(app)
          const response = yield* client.get("/login/1?remember=1")
          return response.setCookies.map((line) => line.split("=")[0]).sort()
        }).pipe(Effect.provide(loginLayer(options)))
      assert.deepStrictEqual(yield* names({ cookie: {} }), ["__Host-remember_token", "__Host-session"])
      assert.deepStrictEqual(yield* names({ cookie: { secure: false } }), ["remember_token", "session"])
      assert.deepStrictEqual(yield* names({ cookie: { path: "/app" } }), ["__Host-remember_token", "session"])
      assert.deepStrictEqual(yield* names({ cookie: { domain: "example.com" } }), [
        "__Host-remember_token",
        "session"
      ])
      assert.deepStrictEqual(yield* names({ cookie: {}, remember: { domain: "example.com" } }), [
        "__Host-session",
        "remember_token"
      ])
      // Migrating from Flask: Flask's names, which its cookies have.
      const flaskCompat = { secretKey: Redacted.make("flask-secret"), until: new Date(Date.now() + 86_400_000) }
      assert.deepStrictEqual(yield* names({ cookie: {}, flaskCompat }), ["remember_token", "session"])
      // Named by the application: as named.
      assert.deepStrictEqual(yield* names({ cookie: { name: "session" }, remember: { name: "rt" } }), ["rt", "session"])
    }))

  it.effect("honours its options: name, path, domain, strict, persistent", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      const response = yield* client.get("/login/1")
      assert.match(
        response.setCookies[0]!,
        /^sid=[\w-]+\.[\w-]+\.[\w-]+; Max-Age=3600; Domain=example\.com; Path=\/app; HttpOnly; Secure; SameSite=Strict$/
      )
    }).pipe(Effect.provide(loginLayer({
      maxAge: "1 hour",
      cookie: { name: "sid", path: "/app", domain: "example.com", sameSite: "strict", persistent: true }
    }))))

  it.effect("login issues a new session identity (session fixation)", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get("/set-foo/planted")
      const before = decodeSession(session(client.cookies)!)
      yield* client.get("/login/1")
      const after = decodeSession(session(client.cookies)!)
      assert.isTrue(before._tag === "Right" && after._tag === "Right")
      if (before._tag === "Right" && after._tag === "Right") {
        assert.notStrictEqual(before.right.session.id, after.right.session.id)
      }
    }).pipe(Effect.provide(loginLayer())))

  it.effect("logging in as another user drops the previous user's data", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get("/login/1")
      yield* client.get("/set-foo/notch-private")
      yield* client.get("/login/2")
      assert.strictEqual((yield* client.get("/get-foo")).body, "")
      yield* client.get("/set-foo/steve")
      yield* client.get("/login/2")
      assert.strictEqual((yield* client.get("/get-foo")).body, "steve")
    }).pipe(Effect.provide(loginLayer())))

  it.effect("expires after maxAge, counted by the Clock", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get("/login/1")
      yield* TestClock.adjust("59 minutes")
      assert.strictEqual((yield* client.get("/username")).body, "Notch")
      yield* TestClock.adjust("2 minutes")
      const expired = yield* client.get("/username")
      assert.strictEqual(expired.body, "Anonymous")
      assert.match(expired.setCookies[0] ?? "", /^session=; Max-Age=0/)
    }).pipe(Effect.provide(loginLayer({ maxAge: "1 hour" }))))

  it.effect("a login ends after its absolute lifetime, however busy (ASVS 3.3.2)", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get("/login/1")
      for (let day = 5; day < 30; day += 5) {
        yield* TestClock.adjust("5 days")
        yield* client.get(`/set-foo/day-${day}`)
        assert.strictEqual((yield* client.get("/username")).body, "Notch", `day ${day}`)
      }
      yield* TestClock.adjust("5 days")
      assert.strictEqual((yield* client.get("/username")).body, "Anonymous", "day 30")
      assert.strictEqual((yield* client.get("/get-foo")).body, "day-25", "the application's data stays")
      yield* client.get("/login/1")
      assert.strictEqual((yield* client.get("/username")).body, "Notch", "a new login starts a new lifetime")
    }).pipe(Effect.provide(loginLayer())))

  it.effect("a write renews the session's lifetime", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get("/login/1")
      yield* TestClock.adjust("50 minutes")
      yield* client.get("/set-foo/renew")
      yield* TestClock.adjust("50 minutes")
      assert.strictEqual((yield* client.get("/username")).body, "Notch")
    }).pipe(Effect.provide(loginLayer({ maxAge: "1 hour" }))))

  it.effect("key rotation: a cookie of the previous key is accepted and re-signed", () =>
    Effect.gen(function*() {
      const old = yield* testClient(app).pipe(Effect.provide(loginLayer({ secretKey: oldSecretKey })))
      yield* old.get("/login/1")
      const oldCookie = session(old.cookies)!

      const client = yield* testClient(app).pipe(
        Effect.provide(loginLayer({ secretKey, previousSecretKeys: [oldSecretKey] }))
      )
      const response = yield* client.get("/username", { headers: { cookie: `session=${oldCookie}` } })
      assert.strictEqual(response.body, "Notch")
      const resigned = response.setCookies[0]?.match(/^session=([^;]+)/)?.[1]
      assert.isDefined(resigned)
      assert.strictEqual(decodeSession(resigned!)._tag, "Right")
      assert.strictEqual(decodeSession(oldCookie)._tag, "Left")

      // Without the previous key, the old cookie is just invalid.
      const strict = yield* testClient(app).pipe(Effect.provide(loginLayer({ secretKey })))
      assert.strictEqual(
        (yield* strict.get("/username", { headers: { cookie: `session=${oldCookie}` } })).body,
        "Anonymous"
      )
    }))

  it.effect("an encrypted session hides its content and still works", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get("/login/1")
      yield* client.get("/set-foo/secret-value")
      const value = session(client.cookies)!
      assert.notInclude(Buffer.from(value, "base64url").toString("latin1"), "secret-value")
      assert.strictEqual((yield* client.get("/username")).body, "Notch")
      assert.strictEqual((yield* client.get("/get-foo")).body, "secret-value")
    }).pipe(Effect.provide(loginLayer({ encrypt: true }))))
})

describe("bad cookies give an anonymous user and a cleared cookie, never a 5xx", () => {
  const badCookies = Effect.gen(function*() {
    const client = yield* testClient(app)
    yield* client.get("/login/1")
    const good = session(client.cookies)!
    const [kid, payload, mac] = good.split(".") as [string, string, string]
    const flipped = mac[0] === "A" ? `B${mac.slice(1)}` : `A${mac.slice(1)}`
    return {
      good,
      cases: {
        // With the key id kept, so that they reach the MAC comparison.
        tampered: `${kid}.${payload}.${flipped}`,
        "tampered payload": `${kid}.${
          Buffer.from(JSON.stringify({ id: "x", userId: "2", issuedAt: 0 })).toString("base64url")
        }.${mac}`,
        truncated: good.slice(0, good.length - 5),
        "no signature": `${kid}.${payload}`,
        empty: "",
        oversized: "a".repeat(5000),
        "non-UTF-8": "\u00ff\u00fe\u00fd",
        "percent-encoded junk": "%E0%A4%A",
        "quoted": `"${good}"`
      } as Record<string, string>
    }
  })

  it.effect("each bad value", () =>
    Effect.gen(function*() {
      const { cases } = yield* badCookies
      for (const [name, value] of Object.entries(cases)) {
        const client = yield* testClient(app)
        const response = yield* client.get("/username", {
          headers: { cookie: Buffer.from(`session=${value}`, "latin1").toString("latin1") }
        })
        assert.strictEqual(response.status, 200, name)
        assert.strictEqual(response.body, "Anonymous", name)
        assert.match(response.setCookies[0] ?? "", /^session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/, name)
      }
    }).pipe(Effect.provide(loginLayer())))

  it.effect("a duplicated session cookie, even with a valid one among them", () =>
    Effect.gen(function*() {
      const { good } = yield* badCookies
      const client = yield* testClient(app)
      const response = yield* client.get("/protected", {
        headers: { cookie: `session=${good}; other=1; session=${good}` }
      })
      assert.strictEqual(response.status, 401)
      assert.match(response.setCookies[0] ?? "", /^session=; Max-Age=0/)
    }).pipe(Effect.provide(loginLayer())))

  it.effect("a bad cookie on a protected route: the refusal still clears it", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      const response = yield* client.get("/protected", { headers: { cookie: "session=garbage.garbage" } })
      assert.strictEqual(response.status, 401)
      assert.match(response.setCookies[0] ?? "", /^session=; Max-Age=0/)
    }).pipe(Effect.provide(loginLayer())))

  it.effect("a bad cookie on a redirect to the login view: replaced by a valid session holding the flash", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      const response = yield* client.get("/protected", { headers: { cookie: "session=garbage.garbage" } })
      assert.strictEqual(response.status, 302)
      const value = response.setCookies[0]?.match(/^session=([^;]+)/)?.[1]
      assert.isDefined(value)
      const decoded = decodeSession(value!)
      assert.isTrue(decoded._tag === "Right" && decoded.right.session.userId === undefined)
    }).pipe(Effect.provide(loginLayer({ loginView: "/login" }))))

  it.effect("other cookies are left alone", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      const response = yield* client.get("/username", { headers: { cookie: "sessionx=1; theme=dark" } })
      assert.strictEqual(response.body, "Anonymous")
      assert.deepStrictEqual(response.setCookies, [])
    }).pipe(Effect.provide(loginLayer())))
})

describe("session data", () => {
  it.effect("typed keys: set, get, remove", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      assert.strictEqual((yield* client.get("/get-foo")).body, "")
      yield* client.get("/set-foo/bar")
      assert.strictEqual((yield* client.get("/get-foo")).body, "bar")
      const removed = yield* client.get("/remove-foo")
      // An empty session is not kept around: the cookie is cleared.
      assert.match(removed.setCookies[0] ?? "", /^session=; Max-Age=0/)
      assert.strictEqual((yield* client.get("/get-foo")).body, "")
    }).pipe(Effect.provide(loginLayer())))

  it.effect("flashed messages are taken once, oldest first", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get("/flash/one")
      yield* client.get("/flash/two")
      assert.deepStrictEqual(JSON.parse((yield* client.get("/flashes")).body), [["info", "one"], ["info", "two"]])
      assert.deepStrictEqual(JSON.parse((yield* client.get("/flashes")).body), [])
    }).pipe(Effect.provide(loginLayer())))

  it.effect("a session that would exceed 4 KB is a typed error at write time, and the old session stays", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      yield* client.get("/login/1")
      assert.strictEqual((yield* client.get("/set-big/1000")).body, "ok")
      const before = session(client.cookies)
      const response = yield* client.get("/set-big/4000")
      assert.strictEqual(response.status, 500)
      assert.match(response.body, /over its limit of 4096 bytes/)
      assert.deepStrictEqual(response.setCookies, [])
      assert.strictEqual(session(client.cookies), before)
      assert.strictEqual((yield* client.get("/username")).body, "Notch")
    }).pipe(Effect.provide(loginLayer())))
})
