// effect-login on Effect 4 (@effect-login/effect4, the built package) with the cookie (default), memory or
// Redis store (STORE, REDIS_URL). The twin of test/bench/servers/effect-login.ts: same routes, user and options.
import { LoginManager, RedisStore, SessionStore, UserLoader } from "@effect-login/effect4"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Option, Redacted, Schema } from "effect"
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "effect/http"
import { createServer } from "node:http"

interface User {
  readonly id: string
  readonly name: string
  readonly password: string
}
const users = new Map<string, User>([["1", { id: "1", name: "alice", password: "wonderland" }]])
const { AuthenticatedUser, layer, login, loginRequired } = UserLoader.make("app/Users", { id: (user: User) => user.id })

const Form = Schema.Struct({ username: Schema.String, password: Schema.String })

const routes = HttpRouter.addAll([
  HttpRouter.route("GET", "/public", Effect.succeed(HttpServerResponse.text("public"))),
  HttpRouter.route(
    "GET",
    "/protected",
    Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(`hello ${user.name}`)).pipe(loginRequired)
  ),
  HttpRouter.route(
    "POST",
    "/login",
    Effect.gen(function*() {
      const form = yield* HttpServerRequest.schemaBodyUrlParams(Form)
      const user = users.get("1")!
      if (form.username !== user.name || form.password !== user.password) {
        return HttpServerResponse.text("no", { status: 401 })
      }
      yield* Effect.orDie(login(user))
      return HttpServerResponse.text("ok")
    }).pipe(Effect.orDie)
  ),
  HttpRouter.route(
    "GET",
    "/__heap",
    Effect.sync(() => {
      ;(globalThis as { gc?: () => void }).gc?.()
      return HttpServerResponse.text(String(process.memoryUsage().heapUsed))
    })
  )
])

const options = { secretKey: Redacted.make("benchmark-secret-key-0123456789abcdef"), cookie: { secure: false } }
const store = process.env.STORE ?? "cookie"
const redis = async () => {
  // Loaded only for the Redis store: the other servers carry no Redis client.
  const { Redis } = await import("ioredis")
  const client = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, commandTimeout: 1000 })
  // No offline queue: commands fail until connected, so connect before serving.
  await new Promise((resolve) => client.once("ready", resolve))
  return client
}
const LoginLive = store === "cookie"
  ? LoginManager.layer(options)
  : LoginManager.layerStore(options).pipe(
    Layer.provide(store === "memory" ? SessionStore.layerMemory() : RedisStore.layer(await redis()))
  )

Layer.unwrap(
  Effect.map(HttpRouter.toHttpEffect(routes), (app) => HttpServer.serve(LoginManager.middleware(app)))
).pipe(
  Layer.provide(LoginLive),
  Layer.provide(layer((id) => Effect.succeed(Option.fromNullishOr(users.get(id))))),
  Layer.provide(NodeHttpServer.layer(createServer, { port: Number(process.env.PORT), host: "127.0.0.1" })),
  Layer.tap(() => Console.log("listening")),
  Layer.launch,
  NodeRuntime.runMain
)
