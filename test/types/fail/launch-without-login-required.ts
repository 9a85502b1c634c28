// Layer.launch of the served app, run directly: still refused.
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { LoginManager } from "effect-login"
import { createServer } from "node:http"
import { LoginLive, profile } from "../pass/app.js"

const launched = HttpServer.serve(
  LoginManager.middleware(HttpRouter.empty.pipe(HttpRouter.get("/profile", profile)))
).pipe(
  Layer.provide(LoginLive),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 })),
  Layer.launch
)

// @expect-error Type 'AuthenticatedUser' is not assignable to type 'never'
Effect.runFork(launched)
