// Flask's "Missing user_loader or request_loader": the UserLoader Layer is not provided.
import { HttpServer } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
// @fix import { Effect, Layer, Option, Redacted } from "effect"
import { Layer, Redacted } from "effect"
import { LoginManager } from "effect-login"
import { createServer } from "node:http"
// @fix import { layer, router } from "../pass/app.js"
import { router } from "../pass/app.js"

const ServerLive = HttpServer.serve(LoginManager.middleware(router)).pipe(
  // @fix Layer.provide(LoginManager.layer({ secretKey: Redacted.make("x".repeat(32)) }).pipe(Layer.provide(layer(() => Effect.succeed(Option.none()))))),
  Layer.provide(LoginManager.layer({ secretKey: Redacted.make("x".repeat(32)) })),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

// @expect-error Type 'UserLoader' is not assignable to type 'never'
NodeRuntime.runMain(Layer.launch(ServerLive))
