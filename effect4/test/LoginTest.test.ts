/**
 * The test Layers themselves: handlers unit-tested with no session cookie at
 * all, a one-line user store swap, and issued session cookies.
 */
import { Identity, LoginManager, LoginTest, Session } from "@effect-login/effect4"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { HttpServerRequest, HttpServerResponse } from "effect/http"
import { testClient } from "./utils/client.js"
import type { User } from "./utils/fixtures.js"
import {
  app,
  AuthenticatedUser,
  CurrentUser,
  FreshUser,
  isAuthenticated,
  layerMemory,
  layerTest,
  login,
  loginRequired,
  secretKey,
  Users,
  users
} from "./utils/fixtures.js"

const notch = users.get("1")!
const steve = users.get("2")!

// Handlers, as an application writes them.
const greeting = Effect.map(CurrentUser, (user) => isAuthenticated(user) ? `Hello ${user.name}` : "Hello stranger")
const settings = Effect.map(FreshUser, (user) => `Settings of ${user.name}`)
const profile = Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(`Profile of ${user.name}`))

describe("layerTest (typed, from UserLoader.make)", () => {
  it.effect("a handler sees the given user, with no session cookie, clock or store", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* greeting, "Hello Notch")
      assert.strictEqual(yield* settings, "Settings of Notch")
      assert.isTrue(yield* Session.isFresh)
      assert.isFalse(yield* Session.isRemembered)
    }).pipe(Effect.provide(layerTest(notch))))

  it.effect("fresh: false and remembered: true", () =>
    Effect.gen(function*() {
      assert.isFalse(yield* Session.isFresh)
      assert.isTrue(yield* Session.isRemembered)
      assert.strictEqual((yield* AuthenticatedUser).name, "Steve")
    }).pipe(Effect.provide(layerTest(steve, { fresh: false, remembered: true }))))

  it.effect("login, logout, data and flashes behave as in a request", () =>
    Effect.gen(function*() {
      yield* Session.logout
      assert.strictEqual(yield* greeting, "Hello stranger")
      yield* login(steve)
      assert.strictEqual(yield* greeting, "Hello Steve")
      yield* Session.flash("saved", "info")
      assert.deepStrictEqual(yield* Session.takeFlashes, [["info", "saved"]])
      assert.deepStrictEqual(yield* Session.takeFlashes, [])
    }).pipe(Effect.provide(layerTest(notch))))
})

describe("LoginTest.layerSession", () => {
  it.effect("anonymous: CurrentUser is Anonymous, and loginRequired answers 401", () =>
    Effect.gen(function*() {
      assert.isTrue(Identity.isAnonymous(yield* CurrentUser))
      const response = yield* profile.pipe(
        loginRequired,
        Effect.provideService(HttpServerRequest.HttpServerRequest, HttpServerRequest.fromWeb(new Request("http://x/p")))
      )
      assert.strictEqual(response.status, 401)
    }).pipe(Effect.provide(LoginTest.layerSession())))

  it.effect("with a user: loginRequired runs the handler", () =>
    Effect.gen(function*() {
      const response = yield* profile.pipe(
        loginRequired,
        Effect.provideService(HttpServerRequest.HttpServerRequest, HttpServerRequest.fromWeb(new Request("http://x/p")))
      )
      assert.strictEqual(response.status, 200)
      assert.strictEqual(Option.getOrNull(yield* Effect.flatMap(Session.Session, (s) => s.user)), notch)
    }).pipe(Effect.provide(LoginTest.layerSession<User>({ user: notch }))))
})

describe("swapping the user store is one line", () => {
  it.effect("layerMemory", () =>
    Effect.gen(function*() {
      const client = yield* testClient(yield* app)
      yield* client.get("/login/9")
      assert.strictEqual((yield* client.get("/username")).body, "Tester")
      yield* client.get("/login/1")
      // Notch is not in this store: logged out.
      assert.strictEqual((yield* client.get("/username")).body, "Anonymous")
    }).pipe(
      Effect.provide(
        LoginManager.layer({ secretKey, cookie: { secure: false } }).pipe(
          Layer.provide(layerMemory([{ id: "9", name: "Tester", active: true }]))
        )
      )
    ))
})

describe("LoginTest.sessionCookie", () => {
  it.effect("is a login the server accepts, bound to the first client that uses it", () =>
    Effect.gen(function*() {
      const cookie = yield* LoginTest.sessionCookie(Users, notch)
      const client = yield* testClient(yield* app)
      client.cookies.set(cookie.name, cookie.value)
      assert.strictEqual((yield* client.get("/username", { headers: { "user-agent": "first" } })).body, "Notch")
      assert.strictEqual((yield* client.get("/username", { headers: { "user-agent": "first" } })).body, "Notch")
      assert.strictEqual((yield* client.get("/is-fresh", { headers: { "user-agent": "first" } })).body, "true")
      // Strong protection: another client presenting the bound session is logged out.
      assert.strictEqual((yield* client.get("/username", { headers: { "user-agent": "thief" } })).body, "Anonymous")
    }).pipe(
      Effect.provide(
        LoginManager.layer({ secretKey, cookie: { secure: false }, sessionProtection: "strong" }).pipe(
          Layer.provide(layerMemory(users.values()))
        )
      )
    ))
})
