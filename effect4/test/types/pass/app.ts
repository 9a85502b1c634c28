/**
 * The twin of the must-not-compile programs in ../fail, on Effect 4: the same
 * apps, written correctly, compile (this file is part of the Effect 4 line's
 * `npm run check`).
 */
import type { Identity } from "@effect-login/effect4"
import { HttpRouterLogin, LoginManager, UserLoader } from "@effect-login/effect4"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Option, Redacted } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { createServer } from "node:http"

export interface User {
  readonly id: string
  readonly name: string
}

export const Users = UserLoader.make("app/Users", { id: (user: User) => user.id })

export const {
  AuthenticatedUser,
  CurrentUser,
  freshLoginRequired,
  FreshUser,
  isAuthenticated,
  layer,
  layerLoginDisabled,
  layerTest,
  login,
  loginRequired
} = Users

/** A second user type, declared apart: its services never mix with the users'. */
export interface Admin {
  readonly id: string
  readonly permissions: ReadonlyArray<string>
}

export const Admins = UserLoader.make("app/Admins", { id: (admin: Admin) => admin.id })

/** The HttpRouter middleware of the users. */
export const HttpRouterLoginRequired = HttpRouterLogin.loginRequired(Users)

export const profile = Effect.gen(function*() {
  const user = yield* AuthenticatedUser
  // The authenticated user is the application's own type, no cast.
  const name: string = user.name
  return HttpServerResponse.text(name)
})

export const greeting = Effect.gen(function*() {
  const user = yield* CurrentUser
  // `Anonymous | User`, narrowed by the refinement.
  if (isAuthenticated(user)) return HttpServerResponse.text(user.name)
  const anonymous: Identity.Anonymous = user
  return HttpServerResponse.text(anonymous._tag)
})

export const settings = Effect.map(FreshUser, (user) => HttpServerResponse.text(user.name))

export const Routes = HttpRouter.addAll([
  HttpRouter.route("GET", "/", greeting),
  HttpRouter.route("GET", "/profile", profile.pipe(loginRequired)),
  // A fresh login gives both the authenticated user and the fresh user.
  HttpRouter.route("GET", "/settings", Effect.andThen(profile, settings).pipe(freshLoginRequired))
])

// Routes behind the login requirement, by their middleware.
export const AdminRoutes = HttpRouter.add("GET", "/admin", profile).pipe(
  Layer.provide(HttpRouterLoginRequired.layer)
)

export const LoginLive = LoginManager.layer({ secretKey: Redacted.make("x".repeat(32)) }).pipe(
  Layer.provide(layer(() => Effect.succeed(Option.none())))
)

export const main = () =>
  HttpRouter.serve(Layer.mergeAll(Routes, AdminRoutes), { middleware: LoginManager.middleware }).pipe(
    Layer.provide(LoginLive),
    Layer.provide(NodeHttpServer.layer(createServer, { port: 0 })),
    Layer.launch,
    NodeRuntime.runMain
  )
