/**
 * effect-login on HttpLayerRouter: routes are Layers, and so is the login.
 *
 *     PORT=3002 npx tsx examples/layer-router.ts
 */
import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Redacted } from "effect"
import { LayerRouterLogin, LoginManager, Session, UserLoader } from "effect-login"
import { createServer } from "node:http"
import { pathToFileURL } from "node:url"

interface User {
  readonly id: string
  readonly name: string
}

export const Users = UserLoader.make("app/Users", { id: (user: User) => user.id })
export const { AuthenticatedUser, CurrentUser, FreshUser, isAuthenticated, layerMemory, login, logout } = Users

/** The login middleware of these users' routes. */
export const LoginRequired = LayerRouterLogin.loginRequired(Users)
export const FreshLoginRequired = LayerRouterLogin.freshLoginRequired(Users)

const ada: User = { id: "1", name: "Ada" }

/** Routes that anyone may call: they get the Session. */
export const PublicRoutes = HttpLayerRouter.addAll([
  HttpLayerRouter.route(
    "GET",
    "/",
    Effect.map(CurrentUser, (user) => HttpServerResponse.text(isAuthenticated(user) ? `Hello ${user.name}` : "Hello"))
  ),
  HttpLayerRouter.route("POST", "/login", Effect.as(Effect.orDie(login(ada)), HttpServerResponse.text("logged in"))),
  HttpLayerRouter.route("POST", "/logout", Effect.as(Session.logout, HttpServerResponse.text("logged out")))
]).pipe(Layer.provide(LayerRouterLogin.SessionMiddleware.layer))

/** Routes behind a login: they get the AuthenticatedUser. */
export const ProtectedRoutes = HttpLayerRouter.add(
  "GET",
  "/me",
  Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(`You are ${user.name}`))
).pipe(Layer.provide(LoginRequired.layer))

/** A protected route that logs out: the login middleware gives it the Session too. */
export const AccountRoutes = HttpLayerRouter.add(
  "POST",
  "/account/logout",
  Effect.gen(function*() {
    const user = yield* AuthenticatedUser
    yield* logout
    return HttpServerResponse.text(`Goodbye ${user.name}`)
  })
).pipe(Layer.provide(LoginRequired.layer))

/** Routes behind a fresh login: they get the FreshUser. */
export const FreshRoutes = HttpLayerRouter.add(
  "GET",
  "/settings",
  Effect.map(FreshUser, (user) => HttpServerResponse.text(`Settings of ${user.name}`))
).pipe(Layer.provide(FreshLoginRequired.layer))

export const AllRoutes = Layer.mergeAll(PublicRoutes, ProtectedRoutes, AccountRoutes, FreshRoutes).pipe(
  Layer.provide(
    LoginManager.layer({
      secretKey: Redacted.make("development-only-secret-do-not-use-in-production!"),
      loginView: "/login",
      cookie: { secure: false }
    })
  ),
  Layer.provide(layerMemory([ada]))
)

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  HttpLayerRouter.serve(AllRoutes).pipe(
    Layer.provide(NodeHttpServer.layer(createServer, { port: Number(process.env.PORT ?? 3002), host: "127.0.0.1" })),
    Layer.launch,
    NodeRuntime.runMain
  )
}
