// Must not compile: a handler that needs the authenticated user, mounted without loginRequired (line 16).
import { HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Redacted } from "effect"
import { LoginManager, UserLoader } from "effect-login"
import { createServer } from "node:http"

interface User {
  readonly id: string
}

const { AuthenticatedUser, layerMemory } = UserLoader.make("app/Users", { id: (user: User) => user.id })

const app = HttpRouter.empty.pipe(
  HttpRouter.get("/protected", Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(user.id))),
  LoginManager.middleware
)

const ServerLive = HttpServer.serve(app).pipe(
  Layer.provide(LoginManager.layer({ secretKey: Redacted.make("consumer-test-secret-0123456789abcdef") })),
  Layer.provide(layerMemory([])),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

NodeRuntime.runMain(Layer.launch(ServerLive))
