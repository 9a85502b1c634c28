// Flask's "Missing user_loader or request_loader": the UserLoader Layer is not provided.
import { HttpServer } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Layer, Redacted } from "effect"
import { LoginManager } from "effect-login"
import { createServer } from "node:http"
import { router } from "../pass/app.js"

const ServerLive = HttpServer.serve(LoginManager.middleware(router)).pipe(
  Layer.provide(LoginManager.layer({ secretKey: Redacted.make("x".repeat(32)) })),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

// @expect-error Type 'UserLoader' is not assignable to type 'never'
NodeRuntime.runMain(Layer.launch(ServerLive))
