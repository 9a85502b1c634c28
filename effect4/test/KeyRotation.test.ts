/**
 * Moving the secret to `previousSecretKeys` must log nobody out, with
 * security stamps too (they are hashed under a key), and what a previous key
 * signed is signed again under the current one on use, so that the previous
 * key can then be retired.
 */
import { LoginManager, UserLoader } from "@effect-login/effect4"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, type Redacted } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { TestClock } from "effect/testing"
import { testClient } from "./utils/client.js"
import { oldSecretKey, secretKey } from "./utils/fixtures.js"

interface User {
  readonly id: string
  readonly name: string
  readonly stamp: string
}

const notch: User = { id: "1", name: "Notch", stamp: "stamp-of-notch" }
const { CurrentUser, isAuthenticated, layerMemory, login } = UserLoader.make("app/Users", {
  id: (user: User) => user.id,
  securityStamp: (user) => user.stamp
})

const app = Effect.map(
  HttpRouter.toHttpEffect(HttpRouter.addAll([
    HttpRouter.route(
      "GET",
      "/login",
      Effect.gen(function*() {
        const query = yield* HttpServerRequest.ParsedSearchParams
        yield* login(notch, { remember: query.remember === "1" })
        return HttpServerResponse.text("ok")
      })
    ),
    HttpRouter.route(
      "GET",
      "/username",
      Effect.map(CurrentUser, (u) => HttpServerResponse.text(isAuthenticated(u) ? u.name : "-"))
    )
  ])),
  LoginManager.middleware
)

/** A client of the app served with these secrets, holding `cookies`. */
const clientWith =
  (keys: { secretKey: Redacted.Redacted; previousSecretKeys?: Array<Redacted.Redacted> }) =>
  (cookies: Map<string, string>) =>
    Effect.map(
      Effect.flatMap(app, (app) => testClient(app)).pipe(
        Effect.provide(LoginManager.layer({ ...keys, cookie: { secure: false } })),
        Effect.provide(layerMemory([notch]))
      ),
      (client) => {
        for (const [name, value] of cookies) client.cookies.set(name, value)
        return client
      }
    )

const before = clientWith({ secretKey: oldSecretKey })
const during = clientWith({ secretKey, previousSecretKeys: [oldSecretKey] })
const after = clientWith({ secretKey })

const setCookie = (lines: ReadonlyArray<string>, name: string) => lines.find((line) => line.startsWith(`${name}=`))

describe("key rotation with security stamps", () => {
  it.effect("a session stays logged in, is signed again with its stamp under the new key, and outlives the old key", () =>
    Effect.gen(function*() {
      const old = yield* before(new Map())
      yield* old.get("/login")
      const rotating = yield* during(old.cookies)
      const response = yield* rotating.get("/username")
      assert.strictEqual(response.body, "Notch")
      assert.isDefined(setCookie(response.setCookies, "session"), "re-signed")
      // The old key retired: the re-signed session still holds, its stamp included.
      const retired = yield* after(rotating.cookies)
      assert.strictEqual((yield* retired.get("/username")).body, "Notch")
      // Without the rotation step, the old cookie alone is refused.
      assert.strictEqual((yield* (yield* after(old.cookies)).get("/username")).body, "-")
    }))

  it.effect("a remember token of the previous key restores the login and is re-issued, its expiry unchanged", () =>
    Effect.gen(function*() {
      const old = yield* before(new Map())
      yield* old.get("/login?remember=1")
      old.cookies.delete("session")
      yield* TestClock.adjust("1 day")
      const rotating = yield* during(old.cookies)
      const response = yield* rotating.get("/username")
      assert.strictEqual(response.body, "Notch")
      assert.match(setCookie(response.setCookies, "remember_token") ?? "", /; Max-Age=2505600;/)
      rotating.cookies.delete("session")
      const retired = yield* after(rotating.cookies)
      assert.strictEqual((yield* retired.get("/username")).body, "Notch")
      assert.isTrue(Option.isSome(Option.fromNullishOr(retired.cookies.get("session"))))
    }))

  it.effect("strong session protection: the same client stays logged in across a rotation", () =>
    Effect.gen(function*() {
      const strong =
        (keys: { secretKey: Redacted.Redacted; previousSecretKeys?: Array<Redacted.Redacted> }) =>
        (cookies: Map<string, string>) =>
          Effect.map(
            Effect.flatMap(app, (app) => testClient(app)).pipe(
              Effect.provide(LoginManager.layer({ ...keys, sessionProtection: "strong", cookie: { secure: false } })),
              Effect.provide(layerMemory([notch]))
            ),
            (client) => {
              for (const [name, value] of cookies) client.cookies.set(name, value)
              return client
            }
          )
      const old = yield* strong({ secretKey: oldSecretKey })(new Map())
      yield* old.get("/login")
      assert.strictEqual((yield* old.get("/username")).body, "Notch")
      const rotating = yield* strong({ secretKey, previousSecretKeys: [oldSecretKey] })(old.cookies)
      assert.strictEqual((yield* rotating.get("/username")).body, "Notch", "bound under the old key: still this client")
      const retired = yield* strong({ secretKey })(rotating.cookies)
      assert.strictEqual((yield* retired.get("/username")).body, "Notch", "bound again under the new key")
    }))

  it.effect("a changed stamp is refused under every key", () =>
    Effect.gen(function*() {
      const old = yield* before(new Map())
      yield* old.get("/login?remember=1")
      const changed = { ...notch, stamp: "changed" }
      const client = yield* Effect.flatMap(app, (app) => testClient(app)).pipe(
        Effect.provide(
          LoginManager.layer({ secretKey, previousSecretKeys: [oldSecretKey], cookie: { secure: false } })
        ),
        Effect.provide(layerMemory([changed]))
      )
      for (const [name, value] of old.cookies) client.cookies.set(name, value)
      assert.strictEqual((yield* client.get("/username")).body, "-")
      client.cookies.delete("session")
      assert.strictEqual((yield* client.get("/username")).body, "-")
    }))
})
