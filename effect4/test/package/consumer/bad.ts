// Must not compile: a handler that needs the authenticated user, mounted without loginRequired (line 17).
import { LoginManager, UserLoader } from "@effect-login/effect4"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Redacted } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { createServer } from "node:http"

interface User {
  readonly id: string
}

const { AuthenticatedUser, layerMemory } = UserLoader.make("app/Users", { id: (user: User) => user.id })

const routes = HttpRouter.add(
  "GET",
  "/protected",
  Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(user.id))
)

const ServerLive = HttpRouter.serve(routes, {
  middleware: LoginManager.middleware
}).pipe(
  Layer.provide(LoginManager.layer({ secretKey: Redacted.make("consumer-test-secret-0123456789abcdef") })),
  Layer.provide(layerMemory([])),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

NodeRuntime.runMain(Layer.launch(ServerLive))
