// A handler mounted without loginRequired: refused at the middleware, with the fix in the message.
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { LoginManager } from "effect-login"
import { createServer } from "node:http"
// @fix import { LoginLive, loginRequired, profile } from "../pass/app.js"
import { LoginLive, profile } from "../pass/app.js"

const launched = HttpServer.serve(
  // @expect-error a route needs AuthenticatedUser or FreshUser: wrap it (or its router) in loginRequired
  // @fix LoginManager.middleware(HttpRouter.empty.pipe(HttpRouter.get("/profile", profile.pipe(loginRequired))))
  LoginManager.middleware(HttpRouter.empty.pipe(HttpRouter.get("/profile", profile)))
).pipe(
  Layer.provide(LoginLive),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 })),
  Layer.launch
)

export const fiber = () => Effect.runFork(launched)
