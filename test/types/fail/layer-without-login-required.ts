// The same mistake, caught where the served app's Layer is declared complete.
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import type { ServeError } from "@effect/platform/HttpServerError"
import { Layer } from "effect"
import { LoginManager } from "effect-login"
import { createServer } from "node:http"
import { LoginLive, profile } from "../pass/app.js"

// @expect-error Type 'AuthenticatedUser' is not assignable to type 'never'
export const served: Layer.Layer<never, ServeError | LoginManager.LoginConfigError> = HttpServer.serve(
  LoginManager.middleware(HttpRouter.empty.pipe(HttpRouter.get("/profile", profile)))
).pipe(
  Layer.provide(LoginLive),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)
