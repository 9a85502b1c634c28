// A handler that needs the authenticated user, mounted without loginRequired.
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Layer } from "effect"
import { LoginManager } from "effect-login"
import { createServer } from "node:http"
import { LoginLive, profile } from "../pass/app.js"

const router = HttpRouter.empty.pipe(HttpRouter.get("/profile", profile))

const ServerLive = HttpServer.serve(LoginManager.middleware(router)).pipe(
  Layer.provide(LoginLive),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

// @expect-error Type 'AuthenticatedUser' is not assignable to type 'never'
NodeRuntime.runMain(Layer.launch(ServerLive))
