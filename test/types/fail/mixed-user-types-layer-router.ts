// The same on HttpLayerRouter: the admins' handler behind the users' middleware.
import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
// @fix import { LayerRouterLogin } from "effect-login"
import "effect-login"
import { createServer } from "node:http"
import { Admins, LayerRouterLoginRequired, LoginLive } from "../pass/app.js"

const Routes = HttpLayerRouter.add(
  "GET",
  "/admin",
  Effect.map(Admins.AuthenticatedUser, (admin) => HttpServerResponse.text(admin.permissions.join()))
  // @fix ).pipe(Layer.provide(LayerRouterLogin.loginRequired(Admins).layer), Layer.provide(LayerRouterLoginRequired.layer))
).pipe(Layer.provide(LayerRouterLoginRequired.layer))

const ServerLive = HttpLayerRouter.serve(Routes).pipe(
  Layer.provide(LoginLive),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

// @expect-error Type 'AuthenticatedUser<"app/Admins">' is not assignable to type 'never'
NodeRuntime.runMain(Layer.launch(ServerLive))
