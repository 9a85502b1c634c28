// A router that reads the current user, served without LoginManager.middleware.
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Layer } from "effect"
// @fix import { LoginManager } from "effect-login"
import "effect-login"
import { createServer } from "node:http"
import { greeting, LoginLive } from "../pass/app.js"

// @fix const ServerLive = HttpServer.serve(LoginManager.middleware(HttpRouter.empty.pipe(HttpRouter.get("/", greeting)))).pipe(
const ServerLive = HttpServer.serve(HttpRouter.empty.pipe(HttpRouter.get("/", greeting))).pipe(
  Layer.provide(LoginLive),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

// @expect-error Type 'Session' is not assignable to type 'never'
NodeRuntime.runMain(Layer.launch(ServerLive))
