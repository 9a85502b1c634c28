// Flask's "'Flask' object has no attribute 'login_manager'": the middleware is there, the LoginManager Layer is not.
import { HttpServer } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Layer } from "effect"
import { LoginManager } from "effect-login"
import { createServer } from "node:http"
// @fix import { LoginLive, router } from "../pass/app.js"
import { router } from "../pass/app.js"

const ServerLive = HttpServer.serve(LoginManager.middleware(router)).pipe(
  // @fix Layer.provide(LoginLive), Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

// @expect-error Type 'LoginManager' is not assignable to type 'never'
NodeRuntime.runMain(Layer.launch(ServerLive))
