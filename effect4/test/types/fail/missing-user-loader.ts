// Flask's "Missing user_loader or request_loader": the UserLoader Layer is not provided.
import { LoginManager } from "@effect-login/effect4"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
// @fix import { Effect, Layer, Option, Redacted } from "effect"
import { Layer, Redacted } from "effect"
import { HttpRouter } from "effect/http"
import { createServer } from "node:http"
// @fix import { layer, Routes } from "../pass/app.js"
import { Routes } from "../pass/app.js"

const ServerLive = HttpRouter.serve(Routes, { middleware: LoginManager.middleware }).pipe(
  // @fix Layer.provide(LoginManager.layer({ secretKey: Redacted.make("x".repeat(32)) }).pipe(Layer.provide(layer(() => Effect.succeed(Option.none()))))),
  Layer.provide(LoginManager.layer({ secretKey: Redacted.make("x".repeat(32)) })),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

// @expect-error Type 'UserLoader' is not assignable to type 'never'
NodeRuntime.runMain(Layer.launch(ServerLive))
