// A handler that needs a fresh login, mounted behind loginRequired only.
import { HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { LoginManager, loginRequired, UserLoader } from "effect-login"
import { createServer } from "node:http"
import type { User } from "../pass/app.js"
import { LoginLive } from "../pass/app.js"

const { FreshUser } = UserLoader.make({ id: (user: User) => user.id })
const settings = Effect.map(FreshUser, (user) => HttpServerResponse.text(user.name))

const ServerLive = HttpServer.serve(
  LoginManager.middleware(HttpRouter.empty.pipe(HttpRouter.get("/settings", settings.pipe(loginRequired))))
).pipe(
  Layer.provide(LoginLive),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

// @expect-error Type 'FreshUser' is not assignable to type 'never'
NodeRuntime.runMain(Layer.launch(ServerLive))
