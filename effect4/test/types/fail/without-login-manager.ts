// Flask's "'Flask' object has no attribute 'login_manager'": the middleware is there, the LoginManager Layer is not.
import { LoginManager } from "@effect-login/effect4"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Layer } from "effect"
import { HttpRouter } from "effect/http"
import { createServer } from "node:http"
// @fix import { LoginLive, Routes } from "../pass/app.js"
import { Routes } from "../pass/app.js"

const ServerLive = HttpRouter.serve(Routes, { middleware: LoginManager.middleware }).pipe(
  // @fix Layer.provide(LoginLive), Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

// @expect-error Type 'LoginManager' is not assignable to type 'never'
NodeRuntime.runMain(Layer.launch(ServerLive))
