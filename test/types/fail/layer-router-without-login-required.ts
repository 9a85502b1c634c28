// An HttpLayerRouter route that uses the authenticated user, behind the session middleware only.
import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
// @fix import "effect-login"
import { LayerRouterLogin } from "effect-login"
import { createServer } from "node:http"
// @fix import { AuthenticatedUser, LayerRouterLoginRequired, LoginLive } from "../pass/app.js"
import { AuthenticatedUser, LoginLive } from "../pass/app.js"

const Routes = HttpLayerRouter.add(
  "GET",
  "/me",
  Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(user.name))
  // @fix ).pipe(Layer.provide(LayerRouterLoginRequired.layer))
).pipe(Layer.provide(LayerRouterLogin.SessionMiddleware.layer))

const ServerLive = HttpLayerRouter.serve(Routes).pipe(
  Layer.provide(LoginLive),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

// @expect-error Type 'AuthenticatedUser<"app/Users">' is not assignable to type 'never'
NodeRuntime.runMain(Layer.launch(ServerLive))
