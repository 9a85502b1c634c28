// A route that reads the current user, served without LoginManager.middleware.
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
// @fix import { LoginManager } from "@effect-login/effect4"
import "@effect-login/effect4"
import { Layer } from "effect"
import { HttpRouter } from "effect/http"
import { createServer } from "node:http"
import { greeting, LoginLive } from "../pass/app.js"

// @fix const ServerLive = HttpRouter.serve(HttpRouter.add("GET", "/", greeting), { middleware: LoginManager.middleware }).pipe(
const ServerLive = HttpRouter.serve(HttpRouter.add("GET", "/", greeting)).pipe(
  Layer.provide(LoginLive),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

// @expect-error Type 'Session' is not assignable to type 'never'
NodeRuntime.runMain(Layer.launch(ServerLive))
