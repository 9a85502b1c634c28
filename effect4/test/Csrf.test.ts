/**
 * CSRF protection, on by default: state-changing requests with our cookies
 * must come from this site. Here, the module itself: the origin check, the
 * methods it applies to, and the exemption a route opts out with. The
 * protection of a login manager's routes (403, events, login CSRF) is tested
 * with the login manager.
 */
import { LoginEvents, LoginManager, Session } from "@effect-login/effect4"
import * as Csrf from "@effect-login/effect4/Csrf"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, PubSub, Result } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { testClient } from "./utils/client.js"
import { login, loginLayer, users } from "./utils/fixtures.js"

describe("Csrf.verifyOrigin", () => {
  const request = (headers: Record<string, string>) =>
    HttpServerRequest.fromWeb(new Request("http://app.example:8080/x", { method: "POST", headers }))
  const verify = (
    headers: Record<string, string>,
    options: {
      readonly secure?: boolean
      readonly trustedOrigins?: ReadonlyArray<string>
      readonly allowMissing?: boolean
    } = {}
  ) =>
    Csrf.verifyOrigin(request({ host: "app.example:8080", ...headers }), {
      trustedOrigins: options.trustedOrigins ?? [],
      secure: options.secure ?? false,
      allowMissing: options.allowMissing
    })
  const check = (headers: Record<string, string>, secure = false) => Result.isSuccess(verify(headers, { secure }))

  it("compares the origin's host and port with the request's Host", () => {
    assert.isTrue(check({ origin: "http://app.example:8080" }))
    assert.isFalse(check({ origin: "http://app.example" }))
    assert.isFalse(check({ origin: "http://app.example:8081" }))
    assert.isFalse(check({ origin: "http://sub.app.example:8080" }))
    assert.isFalse(check({ referer: "javascript:alert(1)" }))
    assert.isFalse(check({ origin: "not a url" }))
  })

  it("names the methods it applies to", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "post"]) assert.isTrue(Csrf.isStateChanging(method))
    for (const method of ["GET", "HEAD", "OPTIONS", "TRACE"]) assert.isFalse(Csrf.isStateChanging(method))
  })

  // The verdicts behind the login manager's 403s (test/Csrf.test.ts of the Effect 3 line, over HTTP).
  it("same-origin requests pass: Origin, Sec-Fetch-Site, or Referer", () => {
    for (
      const headers of [
        { origin: "http://app.example:8080" },
        { "sec-fetch-site": "same-origin" },
        { "sec-fetch-site": "none" },
        { referer: "http://app.example:8080/settings?tab=1" }
      ]
    ) {
      assert.isTrue(Result.isSuccess(verify(headers)), JSON.stringify(headers))
    }
  })

  it("cross-site requests are refused with a reason", () => {
    for (
      const [headers, reason] of [
        [{ origin: "https://evil.example" }, `the Origin "https://evil.example" is not this site`],
        [{ origin: "null" }, `the Origin "null" is not this site`],
        [
          { origin: "http://app.example:8080.evil.example" },
          `the Origin "http://app.example:8080.evil.example" is not this site`
        ],
        [{ "sec-fetch-site": "cross-site" }, `Sec-Fetch-Site is "cross-site"`],
        [{ "sec-fetch-site": "same-site" }, `Sec-Fetch-Site is "same-site"`],
        [{ referer: "https://evil.example/page" }, "the Referer is not this site"],
        [{}, "the request has no Origin, Sec-Fetch-Site or Referer"],
        // Sec-Fetch-Site comes first (Go's order): a browser's cross-site says so, whatever Origin claims.
        [{ origin: "http://app.example:8080", "sec-fetch-site": "cross-site" }, `Sec-Fetch-Site is "cross-site"`]
      ] as const
    ) {
      assert.deepStrictEqual(verify(headers), Result.fail(reason), JSON.stringify(headers))
    }
  })

  it("trusted origins pass, also when Sec-Fetch-Site says cross-site", () => {
    const trustedOrigins = ["https://admin.example.com"]
    assert.isTrue(Result.isSuccess(verify({ origin: "https://admin.example.com" }, { trustedOrigins })))
    assert.isTrue(Result.isSuccess(verify({ origin: "https://admin.example.com/" }, { trustedOrigins })))
    assert.isTrue(
      Result.isSuccess(
        verify({ origin: "https://admin.example.com", "sec-fetch-site": "same-site" }, { trustedOrigins })
      )
    )
    assert.isTrue(Result.isSuccess(verify({ referer: "https://admin.example.com/page" }, { trustedOrigins })))
    assert.isTrue(Result.isFailure(verify({ origin: "https://other.example.com" }, { trustedOrigins })))
  })

  it("with Secure cookies, an http: origin of the same host is not this site", () => {
    assert.isFalse(check({ origin: "http://app.example:8080" }, true))
    assert.isTrue(check({ origin: "https://app.example:8080" }, true))
    assert.isFalse(check({ referer: "http://app.example:8080/page" }, true))
  })

  it("allowMissing lets a request with none of the headers through, and only that one", () => {
    assert.isTrue(Result.isSuccess(verify({}, { allowMissing: true })))
    assert.isTrue(Result.isFailure(verify({ origin: "https://evil.example" }, { allowMissing: true })))
  })
})

describe("Csrf.exempt", () => {
  it.effect("sets currentExempt for the effect it wraps, and only there", () =>
    Effect.gen(function*() {
      assert.isFalse(yield* Csrf.currentExempt)
      assert.isTrue(yield* Csrf.exempt(Csrf.currentExempt))
      assert.isFalse(yield* Csrf.currentExempt)
    }))

  it.effect("a route, or every route of a router, opts out", () =>
    Effect.gen(function*() {
      const seen = Effect.map(Csrf.currentExempt, (exempt) => HttpServerResponse.text(String(exempt)))
      const routes = Layer.mergeAll(
        HttpRouter.add("POST", "/checked", seen),
        HttpRouter.add("POST", "/callback", Csrf.exempt(seen))
      )
      const exemptRoutes = HttpRouter.add("POST", "/webhook", seen).pipe(
        Layer.provide(HttpRouter.middleware(Csrf.exempt).layer)
      )
      const { dispose, handler } = HttpRouter.toWebHandler(Layer.mergeAll(routes, exemptRoutes), {
        disableLogger: true
      })
      const post = (path: string) =>
        Effect.promise(() => handler(new Request(`http://localhost${path}`, { method: "POST" })).then((r) => r.text()))
      assert.strictEqual(yield* post("/checked"), "false")
      assert.strictEqual(yield* post("/callback"), "true")
      assert.strictEqual(yield* post("/webhook"), "true")
      yield* Effect.promise(dispose)
    }))
})

// The protection of a login manager's routes, over HTTP (test/Csrf.test.ts of the Effect 3 line).
const csrfApp = Effect.map(
  HttpRouter.toHttpEffect(HttpRouter.addAll([
    HttpRouter.route("GET", "/login", Effect.as(login(users.get("1")!), HttpServerResponse.text("ok"))),
    HttpRouter.route("POST", "/logout", Effect.as(Session.logout, HttpServerResponse.text("logged out"))),
    HttpRouter.route("GET", "/logout", Effect.as(Session.logout, HttpServerResponse.text("logged out"))),
    HttpRouter.route(
      "POST",
      "/callback",
      Effect.as(Session.logout, HttpServerResponse.text("callback")).pipe(Csrf.exempt)
    ),
    HttpRouter.route("POST", "/public", Effect.succeed(HttpServerResponse.text("no session used"))),
    HttpRouter.route("POST", "/login", Effect.as(login(users.get("1")!), HttpServerResponse.text("ok")))
  ])),
  LoginManager.middleware
)

const csrfClient = Effect.flatMap(csrfApp, (app) => testClient(app))

/** A logged-in client; returns the status of a POST /logout with the given headers. */
const postLogout = (headers: Record<string, string>) =>
  Effect.gen(function*() {
    const client = yield* csrfClient
    yield* client.get("/login")
    return yield* client.request("/logout", { method: "POST", headers })
  })

describe("CSRF protection", () => {
  it.effect("same-origin requests pass: Origin, Sec-Fetch-Site, or Referer", () =>
    Effect.gen(function*() {
      for (
        const headers of [
          { origin: "http://localhost" },
          { "sec-fetch-site": "same-origin" },
          { "sec-fetch-site": "none" },
          { referer: "http://localhost/settings?tab=1" }
        ]
      ) {
        const response = yield* postLogout(headers)
        assert.strictEqual(response.status, 200, JSON.stringify(headers))
        assert.strictEqual(response.body, "logged out")
      }
    }).pipe(Effect.provide(loginLayer())))

  it.effect("cross-site requests with the session are refused with 403, a reason and an event", () =>
    Effect.gen(function*() {
      const events = yield* LoginEvents.subscribe
      for (
        const [headers, reason] of [
          [{ origin: "https://evil.example" }, `the Origin "https://evil.example" is not this site`],
          [{ origin: "null" }, `the Origin "null" is not this site`],
          [{ origin: "http://localhost.evil.example" }, "is not this site"],
          [{ "sec-fetch-site": "cross-site" }, `Sec-Fetch-Site is "cross-site"`],
          [{ "sec-fetch-site": "same-site" }, `Sec-Fetch-Site is "same-site"`],
          [{ referer: "https://evil.example/page" }, "the Referer is not this site"],
          [{}, "the request has no Origin, Sec-Fetch-Site or Referer"],
          // Sec-Fetch-Site comes first (Go's order): a browser's cross-site says so, whatever Origin claims.
          [{ origin: "http://localhost", "sec-fetch-site": "cross-site" }, `Sec-Fetch-Site is "cross-site"`]
        ] as const
      ) {
        const response = yield* postLogout(headers)
        assert.strictEqual(response.status, 403, JSON.stringify(headers))
        assert.include(response.body, "Cross-site request refused")
        assert.include(response.body, reason)
        // Refused before the handler ran: still logged in, nothing written.
        assert.deepStrictEqual(response.setCookies, [])
      }
      const seen = (yield* PubSub.takeAll(events)).filter(LoginEvents.LoginEvent.$is("CsrfRejected"))
      assert.strictEqual(seen.length, 8)
    }).pipe(Effect.provide(loginLayer())))

  it.effect("a refusal is JSON for clients that accept JSON", () =>
    Effect.gen(function*() {
      const response = yield* postLogout({ origin: "https://evil.example", accept: "application/json" })
      assert.strictEqual(response.status, 403)
      assert.strictEqual(JSON.parse(response.body).error, "CsrfRejected")
    }).pipe(Effect.provide(loginLayer())))

  it.effect("trusted origins pass", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* postLogout({ origin: "https://admin.example.com" })).status, 200)
      assert.strictEqual((yield* postLogout({ origin: "https://other.example.com" })).status, 403)
    }).pipe(Effect.provide(loginLayer({ csrf: { trustedOrigins: ["https://admin.example.com/"] } }))))

  it.effect("safe methods, requests without our cookies, and routes that never use the session are not affected", () =>
    Effect.gen(function*() {
      const client = yield* csrfClient
      const anonymous = yield* client.request("/logout", {
        method: "POST",
        headers: { origin: "https://evil.example" }
      })
      assert.strictEqual(anonymous.status, 200)
      yield* client.get("/login")
      const get = yield* client.get("/logout", { headers: { origin: "https://evil.example" } })
      assert.strictEqual(get.status, 200)
      yield* client.get("/login")
      const unused = yield* client.request("/public", { method: "POST", headers: { origin: "https://evil.example" } })
      assert.strictEqual(unused.body, "no session used")
    }).pipe(Effect.provide(loginLayer())))

  it.effect("a route can opt out with Csrf.exempt", () =>
    Effect.gen(function*() {
      const client = yield* csrfClient
      yield* client.get("/login")
      const response = yield* client.request("/callback", {
        method: "POST",
        headers: { origin: "https://idp.example" }
      })
      assert.strictEqual(response.body, "callback")
    }).pipe(Effect.provide(loginLayer())))

  it.effect("can be turned off", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* postLogout({ origin: "https://evil.example" })).status, 200)
    }).pipe(Effect.provide(loginLayer({ csrf: { enabled: false } }))))

  it.effect("with Secure cookies, an http: origin of the same host is not this site", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* postLogout({ origin: "http://localhost" })).status, 403)
      assert.strictEqual((yield* postLogout({ origin: "https://localhost" })).status, 200)
    }).pipe(Effect.provide(loginLayer({ cookie: { secure: true } }))))

  it.effect("login CSRF: a cross-site login is refused although the request carries no cookie of ours", () =>
    Effect.gen(function*() {
      const events = yield* LoginEvents.subscribe
      for (
        const headers of [
          { origin: "https://evil.example" },
          { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
          { referer: "https://evil.example/form" }
        ]
      ) {
        const victim = yield* csrfClient
        const response = yield* victim.request("/login", { method: "POST", headers })
        assert.strictEqual(response.status, 403, JSON.stringify(headers))
        assert.deepStrictEqual(response.setCookies, [], "no session for the attacker's account")
      }
      const refused = (yield* PubSub.takeAll(events)).filter(LoginEvents.LoginEvent.$is("CsrfRejected"))
      assert.strictEqual(refused.length, 3)
      // The same site logs in; so does a client that is no browser (none of the headers).
      for (const headers of [{ "sec-fetch-site": "same-origin" }, { origin: "http://localhost" }, {}]) {
        const user = yield* csrfClient
        const response = yield* user.request("/login", { method: "POST", headers })
        assert.strictEqual(response.body, "ok", JSON.stringify(headers))
        assert.isDefined(user.cookies.get("session"))
      }
    }).pipe(Effect.provide(loginLayer())))

  it.effect("allowMissingOrigin lets a non-browser client with our cookies through", () =>
    Effect.gen(function*() {
      const response = yield* postLogout({})
      assert.strictEqual(response.body, "logged out")
    }).pipe(Effect.provide(loginLayer({ csrf: { allowMissingOrigin: true } }))))
})
