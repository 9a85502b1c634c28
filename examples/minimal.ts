/**
 * The README's fifteen lines, as a whole program: a public page, a login, a protected page.
 *
 *     SECRET_KEY="$(openssl rand -base64 32)" npx tsx examples/minimal.ts
 *     curl -i -X POST http://127.0.0.1:3000/login        # a session cookie
 *     curl -i http://127.0.0.1:3000/me                   # 401 without it
 *
 * Without SECRET_KEY (or with fewer than 32 bytes) it does not start, and says what to set.
 */
import { HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Config, Effect, Layer, Option } from "effect"
import { LoginManager, UserLoader } from "effect-login"
import { createServer } from "node:http"

interface User {
  readonly id: string
  readonly name: string
}
const users = new Map<string, User>([["1", { id: "1", name: "Ada" }]])

// Declare your user type once: CurrentUser, AuthenticatedUser and login are typed from it.
const { AuthenticatedUser, CurrentUser, isAuthenticated, layer, login, loginRequired } = UserLoader.make(
  "app/Users",
  { id: (user: User) => user.id }
)

const hello = Effect.map(CurrentUser, (user) => HttpServerResponse.text(isAuthenticated(user) ? user.name : "stranger"))
const me = Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(`Hello ${user.name}`))

const app = HttpRouter.empty.pipe(
  HttpRouter.get("/", hello),
  HttpRouter.post("/login", Effect.as(login(users.get("1")!), HttpServerResponse.text("logged in"))),
  HttpRouter.get("/me", me.pipe(loginRequired)), // without loginRequired, this does not compile
  LoginManager.middleware
)

HttpServer.serve(app).pipe(
  Layer.provide(LoginManager.layerConfig({ secretKey: Config.redacted("SECRET_KEY") })),
  Layer.provide(layer((id) => Effect.succeed(Option.fromNullable(users.get(id))))),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 3000, host: "127.0.0.1" })),
  Layer.launch,
  NodeRuntime.runMain
)
