/**
 * effect-login on Effect 4's HttpRouter (Effect 3's HttpLayerRouter), in-process
 * through HttpRouter.toWebHandler: routes are Layers, and so is the login.
 * The app is the Effect 3 line's examples/layer-router.ts, on HttpRouterLogin.
 */
import { HttpRouterLogin, LoginManager, Session, UserLoader } from "@effect-login/effect4"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { applySetCookies } from "./utils/client.js"

interface User {
  readonly id: string
  readonly name: string
}

const Users = UserLoader.make("app/Users", { id: (user: User) => user.id })
const { AuthenticatedUser, CurrentUser, FreshUser, isAuthenticated, layerMemory, login, logout } = Users

/** The login middleware of these users' routes. */
const LoginRequired = HttpRouterLogin.loginRequired(Users)
const FreshLoginRequired = HttpRouterLogin.freshLoginRequired(Users)

const ada: User = { id: "1", name: "Ada" }

/** Routes that anyone may call: they get the Session. */
const PublicRoutes = HttpRouter.addAll([
  HttpRouter.route(
    "GET",
    "/",
    Effect.map(CurrentUser, (user) => HttpServerResponse.text(isAuthenticated(user) ? `Hello ${user.name}` : "Hello"))
  ),
  HttpRouter.route("POST", "/login", Effect.as(Effect.orDie(login(ada)), HttpServerResponse.text("logged in"))),
  HttpRouter.route("POST", "/logout", Effect.as(Session.logout, HttpServerResponse.text("logged out")))
]).pipe(Layer.provide(HttpRouterLogin.SessionMiddleware.layer))

/** Routes behind a login: they get the AuthenticatedUser. */
const ProtectedRoutes = HttpRouter.add(
  "GET",
  "/me",
  Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(`You are ${user.name}`))
).pipe(Layer.provide(LoginRequired.layer))

/** A protected route that logs out: the login middleware gives it the Session too. */
const AccountRoutes = HttpRouter.add(
  "POST",
  "/account/logout",
  Effect.gen(function*() {
    const user = yield* AuthenticatedUser
    yield* logout
    return HttpServerResponse.text(`Goodbye ${user.name}`)
  })
).pipe(Layer.provide(LoginRequired.layer))

/** Routes behind a fresh login: they get the FreshUser. */
const FreshRoutes = HttpRouter.add(
  "GET",
  "/settings",
  Effect.map(FreshUser, (user) => HttpServerResponse.text(`Settings of ${user.name}`))
).pipe(Layer.provide(FreshLoginRequired.layer))

const AllRoutes = Layer.mergeAll(PublicRoutes, ProtectedRoutes, AccountRoutes, FreshRoutes).pipe(
  Layer.provide(
    LoginManager.layer({
      secretKey: Redacted.make("development-only-secret-do-not-use-in-production!"),
      loginView: "/login",
      cookie: { secure: false }
    })
  ),
  Layer.provide(layerMemory([ada]))
)

describe("HttpRouter", () => {
  it("public → login → protected → logout → refused", async () => {
    const { dispose, handler } = HttpRouter.toWebHandler(AllRoutes, { disableLogger: true })
    try {
      const jar = new Map<string, string>()
      const request = async (method: string, path: string) => {
        const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ")
        const headers = { cookie, origin: "http://localhost" }
        const response = await handler(new Request(`http://localhost${path}`, { method, headers }))
        applySetCookies(jar, response.headers.getSetCookie())
        return { status: response.status, body: await response.text(), location: response.headers.get("location") }
      }
      assert.strictEqual((await request("GET", "/")).body, "Hello")
      const refused = await request("GET", "/me")
      assert.strictEqual(refused.status, 302)
      assert.strictEqual(refused.location, "/login?next=%2Fme")
      assert.strictEqual((await request("POST", "/login")).body, "logged in")
      assert.strictEqual((await request("GET", "/")).body, "Hello Ada")
      assert.strictEqual((await request("GET", "/me")).body, "You are Ada")
      assert.strictEqual((await request("GET", "/settings")).body, "Settings of Ada")
      assert.strictEqual((await request("POST", "/logout")).body, "logged out")
      assert.strictEqual((await request("GET", "/me")).status, 302)
      // A protected route logs out with the Session its login middleware gives it.
      await request("POST", "/login")
      assert.strictEqual((await request("POST", "/account/logout")).body, "Goodbye Ada")
      assert.strictEqual((await request("GET", "/me")).status, 302)
    } finally {
      await dispose()
    }
  })
})
