// A route that uses the authenticated user, served without loginRequired: refused at the middleware.
import { LoginManager } from "@effect-login/effect4"
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { HttpRouter } from "effect/http"
import { createServer } from "node:http"
// @fix import { LoginLive, loginRequired, profile } from "../pass/app.js"
import { LoginLive, profile } from "../pass/app.js"

// @fix const Routes = HttpRouter.add("GET", "/profile", profile.pipe(loginRequired))
const Routes = HttpRouter.add("GET", "/profile", profile)

// @expect-error a route needs AuthenticatedUser or FreshUser: wrap it (or its router) in loginRequired
const launched = HttpRouter.serve(Routes, { middleware: LoginManager.middleware }).pipe(
  Layer.provide(LoginLive),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 })),
  Layer.launch
)

// And the user service is still required where the server is launched.
// @expect-error Type 'AuthenticatedUser<"app/Users">' is not assignable to type 'never'
export const fiber = () => Effect.runFork(launched)
