/**
 * Two instances of one app behind one Redis, on Effect 4: a login on either is a login on
 * both, and "log out everywhere" on one takes effect on the other at its next request.
 * The twin of the Effect 3 line's examples/redis.ts.
 *
 *     redis-server --port 6379 --save '' &
 *     REDIS_URL=redis://127.0.0.1:6379 node --experimental-transform-types examples/redis.ts   # :3010 and :3011
 *
 * (from effect4/, add `--import ./scripts/register.ts` to run it on the sources.)
 */
import { LoginManager, RedisStore, Session, SessionStore, UserLoader } from "@effect-login/effect4"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Config, Effect, Layer, Redacted } from "effect"
import { HttpRouter, HttpServer, HttpServerResponse } from "effect/http"
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

/** The routes: which instance answered is in every body. */
export const routes = (instance: string) =>
  HttpRouter.addAll([
    HttpRouter.route("GET", "/", Effect.succeed(HttpServerResponse.text(`${instance}: public`))),
    HttpRouter.route(
      "POST",
      "/login",
      Effect.as(Effect.orDie(login(ada)), HttpServerResponse.text(`${instance}: logged in`))
    ),
    HttpRouter.route(
      "GET",
      "/me",
      Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(`${instance}: ${user.name}`)).pipe(loginRequired)
    ),
    // For the load balancer: ready when the session store answers.
    HttpRouter.route(
      "GET",
      "/ready",
      SessionStore.healthCheck.pipe(
        Effect.as(HttpServerResponse.text(`${instance}: ready`)),
        Effect.catchTag(
          "SessionStoreError",
          () => Effect.succeed(HttpServerResponse.text("store unreachable", { status: 503 }))
        )
      )
    ),
    HttpRouter.route(
      "POST",
      "/logout-everywhere",
      Effect.map(Session.logoutEverywhere, (n) => HttpServerResponse.text(`${instance}: ended ${n} other sessions`))
    )
  ])

/** The app of one instance: its routes behind the login middleware (an effect: Effect 4's router is built in a scope). */
export const app = (instance: string) => Effect.map(HttpRouter.toHttpEffect(routes(instance)), LoginManager.middleware)

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

/** One instance, served on `port` of 127.0.0.1 (0: a free port). */
export const instance = (name: string, client: RedisStore.RedisClient, port: number) =>
  Layer.unwrap(Effect.map(app(name), (app) => HttpServer.serve(app))).pipe(
    Layer.provide(LoginLive(client)),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port, host: "127.0.0.1" }))
  )

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const Instances = Layer.unwrap(Effect.gen(function*() {
    const url = yield* Config.String("REDIS_URL").pipe(Config.withDefault("redis://127.0.0.1:6379"))
    const client = yield* redisClient(url)
    return Layer.mergeAll(
      HttpServer.withLogAddress(instance("A", client, 3010)),
      HttpServer.withLogAddress(instance("B", client, 3011))
    )
  }))
  NodeRuntime.runMain(Layer.launch(Instances))
}
