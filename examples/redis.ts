/**
 * Two instances of one app behind one Redis: a login on either is a login on
 * both, and "log out everywhere" on one takes effect on the other at its next
 * request.
 *
 *     redis-server --port 6379 --save '' &
 *     REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/redis.ts   # instances on :3010 and :3011
 */
import { HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Config, Effect, Layer, Redacted } from "effect"
import { LoginManager, RedisStore, Session, SessionStore, UserLoader } from "effect-login"
import { Redis } from "ioredis"
import { createServer } from "node:http"
import { pathToFileURL } from "node:url"

interface User {
  readonly id: string
  readonly name: string
}

const { AuthenticatedUser, layerMemory, login, loginRequired } = UserLoader.make("app/Users", {
  id: (user: User) => user.id
})
const ada: User = { id: "1", name: "Ada" }

/** The app: which instance answered is in every body. */
export const app = (instance: string) =>
  HttpRouter.empty.pipe(
    HttpRouter.get("/", Effect.succeed(HttpServerResponse.text(`${instance}: public`))),
    HttpRouter.post("/login", Effect.as(Effect.orDie(login(ada)), HttpServerResponse.text(`${instance}: logged in`))),
    HttpRouter.get(
      "/me",
      Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(`${instance}: ${user.name}`)).pipe(loginRequired)
    ),
    // For the load balancer: ready when the session store answers.
    HttpRouter.get(
      "/ready",
      SessionStore.healthCheck.pipe(
        Effect.as(HttpServerResponse.text(`${instance}: ready`)),
        Effect.catchTag("SessionStoreError", () => HttpServerResponse.text("store unreachable", { status: 503 }))
      )
    ),
    HttpRouter.post(
      "/logout-everywhere",
      Effect.map(Session.logoutEverywhere, (n) => HttpServerResponse.text(`${instance}: ended ${n} other sessions`))
    ),
    LoginManager.middleware
  )

/**
 * A Redis client for the application's lifetime. It fails fast (503) while
 * Redis is away rather than queue requests, and reconnects by itself. Its
 * "error" events are observed here (unobserved, ioredis prints each one); the
 * store logs an outage once when it begins and once when it ends. At shutdown
 * `disconnect()`, not `quit()`: `quit()` fails when the client never connected,
 * and that failure would hide the real one.
 */
export const redisClient = (url: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 500 })
      client.on("error", () => undefined)
      return client
    }),
    (client) => Effect.sync(() => client.disconnect())
  )

/** The login manager of every instance: sessions in Redis, the same secret. */
export const LoginLive = (client: RedisStore.RedisClient) =>
  LoginManager.layerStore({
    secretKey: Redacted.make("development-only-secret-do-not-use-in-production!"),
    cookie: { secure: false },
    expiry: { idleTimeout: "2 hours", absoluteTimeout: "7 days", touchInterval: "1 minute" }
  }).pipe(Layer.provideMerge(RedisStore.layer(client)), Layer.provide(layerMemory([ada])))

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const Instances = Layer.unwrapScoped(Effect.gen(function*() {
    const url = yield* Config.string("REDIS_URL").pipe(Config.withDefault("redis://127.0.0.1:6379"))
    const client = yield* redisClient(url)
    const instance = (name: string, port: number) =>
      HttpServer.serve(app(name)).pipe(
        HttpServer.withLogAddress,
        Layer.provide(LoginLive(client)),
        Layer.provide(NodeHttpServer.layer(createServer, { port, host: "127.0.0.1" }))
      )
    return Layer.mergeAll(instance("A", 3010), instance("B", 3011))
  }))
  NodeRuntime.runMain(Layer.launch(Instances))
}
