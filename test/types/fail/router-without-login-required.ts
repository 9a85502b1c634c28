// A handler that needs the authenticated user, mounted without loginRequired.
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Layer } from "effect"
import { LoginManager } from "effect-login"
import { createServer } from "node:http"
// @fix import { LoginLive, loginRequired, profile } from "../pass/app.js"
import { LoginLive, profile } from "../pass/app.js"

// @fix const router = HttpRouter.empty.pipe(HttpRouter.get("/profile", profile), HttpRouter.use(loginRequired))
const router = HttpRouter.empty.pipe(HttpRouter.get("/profile", profile))

// @expect-error a route needs AuthenticatedUser or FreshUser: wrap it (or its router) in loginRequired
const ServerLive = HttpServer.serve(LoginManager.middleware(router)).pipe(
  Layer.provide(LoginLive),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

NodeRuntime.runMain(Layer.launch(ServerLive))
