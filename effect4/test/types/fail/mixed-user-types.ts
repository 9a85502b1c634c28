// The admins' handler behind the users' middleware: each declaration has its own services.
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
// @fix import { HttpRouterLogin } from "@effect-login/effect4"
import "@effect-login/effect4"
import { Effect, Layer } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { createServer } from "node:http"
import { Admins, HttpRouterLoginRequired, LoginLive } from "../pass/app.js"

const Routes = HttpRouter.add(
  "GET",
  "/admin",
  Effect.map(Admins.AuthenticatedUser, (admin) => HttpServerResponse.text(admin.permissions.join()))
  // @fix ).pipe(Layer.provide(HttpRouterLogin.loginRequired(Admins).layer), Layer.provide(HttpRouterLoginRequired.layer))
).pipe(Layer.provide(HttpRouterLoginRequired.layer))

const ServerLive = HttpRouter.serve(Routes).pipe(
  Layer.provide(LoginLive),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

// @expect-error Type 'AuthenticatedUser<"app/Admins">' is not assignable to type 'never'
NodeRuntime.runMain(Layer.launch(ServerLive))
