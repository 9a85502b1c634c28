/**
 * User declarations (`UserLoader.make(key, …)`) at run time: what the types
 * cannot see is refused loudly, and the test-only Layers say what they are.
 */
import { LoginManager, LoginTest, UserLoader } from "@effect-login/effect4"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { testClient } from "./utils/client.js"
import {
  captureLogs,
  CurrentUser,
  isAuthenticated,
  layerLoginDisabled,
  login,
  loginLayer,
  logout,
  users
} from "./utils/fixtures.js"

interface Admin {
  readonly id: string
  readonly permissions: ReadonlyArray<string>
}

const Admins = UserLoader.make("test/Admins", { id: (admin: Admin) => admin.id })

const app = Effect.map(
  HttpRouter.toHttpEffect(HttpRouter.addAll([
    HttpRouter.route(
      "GET",
      "/admin",
      Effect.map(Admins.AuthenticatedUser, (admin) => HttpServerResponse.text(admin.permissions.join(","))).pipe(
        Admins.loginRequired
      )
    ),
    HttpRouter.route(
      "GET",
      "/login",
      Effect.as(Effect.orDie(Admins.login({ id: "1", permissions: [] })), HttpServerResponse.empty())
    )
  ])),
  LoginManager.middleware
)

describe("a route guarded by one declaration, served with another's loader", () => {
  it.effect("is refused on every request, with a 500 and a log that names both keys, never as the wrong user", () => {
    const logs = captureLogs()
    return Effect.gen(function*() {
      const client = yield* testClient(yield* app)
      const anonymous = yield* client.get("/admin")
      assert.strictEqual(anonymous.status, 500)
      // User 1 of the test users ("Notch") logged in through the admins' login: the loader is the users'.
      yield* client.get("/login")
      const loggedIn = yield* client.get("/admin")
      assert.strictEqual(loggedIn.status, 500)
      assert.notInclude(loggedIn.body, "Notch")
      const errors = logs.lines.filter((line) => line.level === "Error").map((line) => line.message).join("\n")
      assert.include(errors, `guarded by UserLoader.make("test/Admins")`)
      assert.include(errors, `loads the users of UserLoader.make("app/Users")`)
    }).pipe(Effect.provide(Layer.merge(loginLayer(), logs.layer)))
  })
})

describe("layerLoginDisabled", () => {
  it.effect("shows in the Layer's type and warns when it is built", () => {
    const logs = captureLogs()
    return Effect.gen(function*() {
      const disabled = layerLoginDisabled(users.get("1")!)
      yield* Layer.build(disabled).pipe(Effect.scoped, Effect.provide(logs.layer))
      const warnings = logs.at("Warn")
      assert.lengthOf(warnings, 1)
      assert.include(warnings[0]!, `LOGIN DISABLED for UserLoader.make("app/Users")`)
    })
  })
})

describe("the declaration's login and logout", () => {
  it.effect("logout comes from the declaration, as login does", () =>
    Effect.gen(function*() {
      const notch = users.get("1")!
      assert.isTrue(yield* login(notch))
      assert.isTrue(isAuthenticated(yield* CurrentUser))
      yield* logout
      assert.isFalse(isAuthenticated(yield* CurrentUser))
    }).pipe(Effect.provide(LoginTest.layerSession())))
})
