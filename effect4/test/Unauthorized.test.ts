/**
 * The unauthorized and needs-refresh flows in full: per-group login views
 * (Flask's blueprint login views), custom handlers, localized flashes, and the
 * maximum age of a fresh login.
 */
import type { Identity, LoginOptions } from "@effect-login/effect4"
import { HttpRouterLogin, LoginManager, LoginView, Session } from "@effect-login/effect4"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { TestClock } from "effect/testing"
import { testClient } from "./utils/client.js"
import {
  AuthenticatedUser,
  freshLoginRequired,
  FreshUser,
  login,
  loginRequired,
  secretKey,
  users,
  withUsers
} from "./utils/fixtures.js"

const granted = Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(`Access Granted: ${user.name}`))
const admin = Effect.map(FreshUser, (user) => HttpServerResponse.text(`Admin: ${user.name}`))

// A route group's middleware, as Effect 4's router has them: the guard, then the group's login view
// around it. The Session it needs comes first (the app's LoginManager.middleware has already given it).
const guarded = HttpRouter.middleware<{ provides: Identity.AuthenticatedUser<"app/Users"> }>()

const first = HttpRouter.add("GET", "/first/protected", granted).pipe(
  Layer.provide(
    guarded((effect) => loginRequired(effect).pipe(LoginView.withLoginView("/first_login")))
      .combine(HttpRouterLogin.SessionMiddleware).layer
  )
)
const api = HttpRouter.add("GET", "/api/protected", granted).pipe(
  Layer.provide(
    guarded((effect) => LoginView.withUnauthorizedStatus(loginRequired(effect)))
      .combine(HttpRouterLogin.SessionMiddleware).layer
  )
)

const routes = HttpRouter.addAll([
  HttpRouter.route("GET", "/protected", granted.pipe(loginRequired)),
  HttpRouter.route("GET", "/secret", LoginView.unauthorized),
  HttpRouter.route("GET", "/admin", admin.pipe(freshLoginRequired)),
  HttpRouter.route("GET", "/login-notch", Effect.as(login(users.get("1")!), HttpServerResponse.text("ok"))),
  HttpRouter.route(
    "GET",
    "/login-notch-unfresh",
    Effect.as(login(users.get("1")!, { fresh: false }), HttpServerResponse.text("ok"))
  ),
  HttpRouter.route("GET", "/confirm", Effect.as(Session.confirmLogin, HttpServerResponse.text("ok"))),
  HttpRouter.route(
    "GET",
    "/flashes",
    Effect.flatMap(Session.takeFlashes, (flashes) => HttpServerResponse.json(flashes))
  )
])

const app = Effect.map(HttpRouter.toHttpEffect(Layer.mergeAll(routes, first, api)), LoginManager.middleware)

const manager = (options: Partial<LoginOptions.Options>) =>
  withUsers(LoginManager.layer({ secretKey, cookie: { secure: false }, ...options }))

describe("login views per route group (Flask's blueprint login views)", () => {
  it.effect("test_unauthorized_uses_blueprint_login_view", () =>
    Effect.gen(function*() {
      const client = yield* testClient(yield* app)
      assert.strictEqual((yield* client.get("/protected")).location, "/app_login?next=%2Fprotected")
      assert.strictEqual((yield* client.get("/first/protected")).location, "/first_login?next=%2Ffirst%2Fprotected")
      // A group set to null answers 401, as a blueprint view set to None.
      assert.strictEqual((yield* client.get("/api/protected")).status, 401)
      yield* client.get("/login-notch")
      assert.strictEqual((yield* client.get("/first/protected")).body, "Access Granted: Notch")
    }).pipe(Effect.provide(manager({ loginView: "/app_login" }))))
})

describe("custom handlers", () => {
  it.effect("test_unauthorized_uses_authorized_handler", () =>
    Effect.gen(function*() {
      const client = yield* testClient(yield* app)
      const response = yield* client.get("/protected")
      assert.strictEqual(response.status, 401)
      assert.strictEqual(response.body, "This is secret! (/protected)")
    }).pipe(Effect.provide(manager({
      onUnauthorized: Effect.map(
        HttpServerRequest.HttpServerRequest,
        (request) => HttpServerResponse.text(`This is secret! (${request.url})`, { status: 401 })
      )
    }))))

  it.effect("test_needs_refresh_uses_handler", () =>
    Effect.gen(function*() {
      const client = yield* testClient(yield* app)
      yield* client.get("/login-notch-unfresh")
      assert.strictEqual((yield* client.get("/admin")).body, "Needs Refresh!")
    }).pipe(Effect.provide(manager({ onNeedsRefresh: Effect.succeed(HttpServerResponse.text("Needs Refresh!")) }))))
})

describe("flashed messages", () => {
  const german: Record<string, string> = { "Log in!": "Einloggen", "Refresh": "Aktualisieren" }

  it.effect("test_unauthorized_flash_message_localized", () =>
    Effect.gen(function*() {
      const client = yield* testClient(yield* app)
      yield* client.get("/secret", { headers: { "accept-language": "de" } })
      assert.deepStrictEqual(JSON.parse((yield* client.get("/flashes")).body), [["login", "Einloggen"]])
      yield* client.get("/secret")
      assert.deepStrictEqual(JSON.parse((yield* client.get("/flashes")).body), [["login", "Log in!"]])
    }).pipe(Effect.provide(manager({
      loginView: "/login",
      loginMessage: { message: "Log in!", category: "login" },
      localize: (message, request) => request.headers["accept-language"] === "de" ? german[message] ?? message : message
    }))))

  it.effect("test_needs_refresh_flash_message_localized", () =>
    Effect.gen(function*() {
      const client = yield* testClient(yield* app)
      yield* client.get("/login-notch-unfresh")
      const response = yield* client.get("/admin")
      assert.strictEqual(response.location, "/refresh_view?next=%2Fadmin")
      assert.deepStrictEqual(JSON.parse((yield* client.get("/flashes")).body), [["refresh", "Aktualisieren"]])
    }).pipe(Effect.provide(manager({
      refreshView: "/refresh_view",
      needsRefreshMessage: { message: "Refresh", category: "refresh" },
      localize: (message) => german[message] ?? message
    }))))

  it.effect("a null message flashes nothing", () =>
    Effect.gen(function*() {
      const client = yield* testClient(yield* app)
      const response = yield* client.get("/secret")
      assert.strictEqual(response.status, 302)
      assert.deepStrictEqual(response.setCookies, [])
    }).pipe(Effect.provide(manager({ loginView: "/login", loginMessage: null }))))
})

describe("fresh logins", () => {
  it.effect("freshLoginRequired gives FreshUser to a fresh login only", () =>
    Effect.gen(function*() {
      const client = yield* testClient(yield* app)
      assert.strictEqual((yield* client.get("/admin")).status, 401)
      yield* client.get("/login-notch-unfresh")
      const stale = yield* client.get("/admin", { headers: { accept: "application/json" } })
      assert.strictEqual(stale.status, 401)
      assert.deepStrictEqual(JSON.parse(stale.body), { error: "NeedsRefresh", message: "A fresh login is required" })
      yield* client.get("/confirm")
      assert.strictEqual((yield* client.get("/admin")).body, "Admin: Notch")
    }).pipe(Effect.provide(manager({}))))

  it.effect("freshMaxAge: a login stops being fresh after it, and confirmLogin renews it", () =>
    Effect.gen(function*() {
      const client = yield* testClient(yield* app)
      yield* client.get("/login-notch")
      assert.strictEqual((yield* client.get("/admin")).status, 200)
      yield* TestClock.adjust("14 minutes")
      assert.strictEqual((yield* client.get("/admin")).status, 200)
      yield* TestClock.adjust("2 minutes")
      assert.strictEqual((yield* client.get("/admin")).status, 401)
      // Still logged in, only not fresh.
      assert.strictEqual((yield* client.get("/protected")).status, 200)
      yield* client.get("/confirm")
      assert.strictEqual((yield* client.get("/admin")).status, 200)
    }).pipe(Effect.provide(manager({ freshMaxAge: "15 minutes" }))))
})
