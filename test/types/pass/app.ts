/**
 * The twin of the must-not-compile programs in ../fail: the same apps, written
 * correctly, compile (this file is part of `npm run check`).
 */
import { HttpApiMiddleware, HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Option, Redacted } from "effect"
import type { Identity } from "effect-login"
import { HttpApiLogin, LayerRouterLogin, LoginManager, UserLoader } from "effect-login"
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

/** The HttpApi and HttpLayerRouter middleware of the users. */
export class LoginRequired extends HttpApiMiddleware.Tag<LoginRequired>()(
  "app/LoginRequired",
  HttpApiLogin.loginRequired(Users, { session: HttpApiLogin.sessionCookie() })
) {}

export class FreshLoginRequired extends HttpApiMiddleware.Tag<FreshLoginRequired>()(
  "app/FreshLoginRequired",
  HttpApiLogin.freshLoginRequired(Users, { session: HttpApiLogin.sessionCookie() })
) {}

export const LayerRouterLoginRequired = LayerRouterLogin.loginRequired(Users)

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

export const router = HttpRouter.empty.pipe(
  HttpRouter.get("/", greeting),
  HttpRouter.get("/profile", profile.pipe(loginRequired)),
  // A fresh login gives both the authenticated user and the fresh user.
  HttpRouter.get("/settings", Effect.zipRight(profile, settings).pipe(freshLoginRequired))
)

// A whole router behind the login requirement.
export const adminRouter = HttpRouter.empty.pipe(
  HttpRouter.get("/admin", profile),
  HttpRouter.use(loginRequired)
)

export const LoginLive = LoginManager.layer({ secretKey: Redacted.make("x".repeat(32)) }).pipe(
  Layer.provide(layer(() => Effect.succeed(Option.none())))
)

export const main = () =>
  HttpServer.serve(LoginManager.middleware(HttpRouter.concat(router, adminRouter))).pipe(
    Layer.provide(LoginLive),
    Layer.provide(NodeHttpServer.layer(createServer, { port: 0 })),
    Layer.launch,
    NodeRuntime.runMain
  )
