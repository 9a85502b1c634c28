/**
 * A store that talks to a server, in production: the Layer is built once the
 * server answers (a deploy never answers 503 because its client was still
 * connecting), a wrong address fails the start-up saying what to check, an
 * outage is logged once when it begins and once when it ends, and a request
 * that needs no session is answered normally meanwhile. On a real Redis.
 */
import { HttpRouter, HttpServerResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Layer, Redacted } from "effect"
import type { LoginError } from "effect-login"
import { LoginManager, RedisStore, SessionStore, UserLoader } from "effect-login"
import { Redis } from "ioredis"
import { testClient } from "./utils/client.js"
import { freePort } from "./utils/freePort.js"
import { captureLogs } from "./utils/logs.js"
import { ready, redisAvailable, redisMissing, redisServer, watchFailures } from "./utils/redis.js"

interface User {
  readonly id: string
  readonly name: string
}
const ada: User = { id: "1", name: "Ada" }
const { AuthenticatedUser, layerMemory, login, loginRequired } = UserLoader.make("app/Users", {
  id: (user: User) => user.id
})

const app = HttpRouter.empty.pipe(
  HttpRouter.get("/", Effect.succeed(HttpServerResponse.text("public"))),
  HttpRouter.get("/login", Effect.as(Effect.orDie(login(ada)), HttpServerResponse.text("logged in"))),
  HttpRouter.get(
    "/me",
    Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(user.name)).pipe(loginRequired)
  ),
  HttpRouter.get(
    "/ready",
    SessionStore.healthCheck.pipe(
      Effect.as(HttpServerResponse.text("ready")),
      Effect.catchTag("SessionStoreError", () => HttpServerResponse.text("store unreachable", { status: 503 }))
    )
  ),
  LoginManager.middleware
)

const loginOver = (store: Layer.Layer<SessionStore.SessionStore, LoginError.SessionStoreError>) =>
  LoginManager.layerStore({
    secretKey: Redacted.make("store-startup-test-secret-0123456789"),
    cookie: { secure: false }
  })
    .pipe(Layer.provideMerge(store), Layer.provide(layerMemory([ada])))

describe("RedisStore.layer in production", () => {
  if (!redisAvailable) it("needs redis-server", () => assert.fail(redisMissing))

  it.live("is built once Redis answers: the first request after it is served", () =>
    Effect.gen(function*() {
      const redis = yield* redisServer
      yield* redis.stop
      const { client, firstFailure } = watchFailures(yield* redis.client({ connected: false }))
      // Redis comes up while the application starts: once the store has been refused.
      const starting = yield* Effect.fork(Effect.zipRight(firstFailure, redis.start))
      const context = yield* Layer.build(loginOver(RedisStore.layer(client)))
      yield* Fiber.join(starting)
      const browser = yield* Effect.provide(testClient(app), context)
      const first = yield* browser.get("/login")
      assert.strictEqual(first.status, 200)
      assert.strictEqual((yield* browser.get("/me")).body, "Ada")
      assert.strictEqual((yield* browser.get("/ready")).body, "ready")
    }).pipe(Effect.scoped), 30_000)

  it.live(
    "a wrong address fails the start-up within its bound, saying where and what to check",
    () =>
      Effect.gen(function*() {
        const port = yield* Effect.promise(freePort)
        const client = yield* Effect.acquireRelease(
          Effect.sync(() => {
            const redis = new Redis(`redis://127.0.0.1:${port}`, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
            redis.on("error", () => undefined)
            return redis
          }),
          (redis) => Effect.sync(() => redis.disconnect())
        )
        const started = Date.now()
        const exit = yield* Effect.exit(Layer.build(RedisStore.layer(client, { startupTimeout: "1 second" })))
        assert.isBelow(Date.now() - started, 4_000)
        assert.isTrue(Exit.isFailure(exit))
        const message = Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""
        assert.include(message, `Redis at 127.0.0.1:${port} did not answer within 1s`)
        assert.include(message, "Check that the server runs")
      }).pipe(Effect.scoped),
    30_000
  )

  it.live(
    "an outage: logged once when it begins and once when it ends; what needs no session is served",
    () =>
      Effect.gen(function*() {
        const logs = captureLogs()
        const redis = yield* redisServer
        const client = yield* redis.client()
        const context = yield* Layer.build(loginOver(RedisStore.layer(client)))
        const [user, visitor] = yield* Effect.all([testClient(app), testClient(app)]).pipe(
          Effect.provide(context),
          Effect.provide(logs.layer)
        )
        yield* user.get("/login")

        yield* redis.stop
        for (let i = 0; i < 5; i++) assert.strictEqual((yield* user.get("/me")).status, 503)
        assert.strictEqual((yield* user.get("/ready")).status, 503)
        assert.strictEqual((yield* user.get("/")).body, "public")
        // No session cookie: the refusal needs no store.
        assert.strictEqual((yield* visitor.get("/me")).status, 401)

        yield* redis.start
        yield* ready(client)
        assert.strictEqual((yield* user.get("/me")).status, 401, "back: Redis kept nothing, so the user is anonymous")

        const errors = logs.lines.filter((line) => line.level === "ERROR")
        assert.strictEqual(errors.length, 1, JSON.stringify(logs.lines))
        assert.include(errors[0]!.message, `Redis at 127.0.0.1:${redis.port} is unreachable`)
        assert.deepStrictEqual(
          logs.lines.filter((line) => line.message.endsWith(`${redis.port} is back`)).map((line) => line.level),
          ["INFO"]
        )
      }).pipe(Effect.scoped),
    30_000
  )

  it.live(
    "started degraded: built at once, public routes serve, the session routes once Redis is up",
    () =>
      Effect.gen(function*() {
        const redis = yield* redisServer
        yield* redis.stop
        const client = yield* redis.client({ connected: false })
        const context = yield* Layer.build(loginOver(RedisStore.layer(client, { startup: "degraded" })))
        const browser = yield* Effect.provide(testClient(app), context)
        assert.strictEqual((yield* browser.get("/")).body, "public")
        assert.strictEqual((yield* browser.get("/login")).status, 503)
        yield* redis.start
        yield* ready(client)
        assert.strictEqual((yield* browser.get("/login")).status, 200)
        assert.strictEqual((yield* browser.get("/me")).body, "Ada")
      }).pipe(Effect.scoped),
    30_000
  )

  it.live(
    "a command that never answers fails within the store's timeout, as a 503, and is logged once",
    () =>
      Effect.gen(function*() {
        const logs = captureLogs()
        // A client whose commands hang forever: a Redis that accepts connections and never replies.
        const hanging: RedisStore.RedisClient = { eval: () => new Promise(() => {}) }
        const store = RedisStore.make(hanging, { timeout: "200 millis" })
        const started = Date.now()
        const failed = yield* Effect.flip(store.get("k")).pipe(Effect.provide(logs.layer))
        assert.isBelow(Date.now() - started, 1_000)
        assert.strictEqual(failed.cause, "timed out")
        assert.strictEqual(failed.operation, "get")
        const context = yield* Layer.build(
          loginOver(RedisStore.layer(hanging, { timeout: "200 millis", startup: "degraded" }))
        )
        const browser = yield* Effect.provide(testClient(app), context).pipe(Effect.provide(logs.layer))
        browser.cookies.set("session", "a".repeat(43))
        const response = yield* browser.get("/me")
        assert.strictEqual(response.status, 503)
        assert.strictEqual((yield* browser.get("/")).body, "public")
        assert.strictEqual(logs.lines.filter((line) => line.level === "ERROR").length, 2, "one per store")
      }).pipe(Effect.scoped),
    30_000
  )
})
