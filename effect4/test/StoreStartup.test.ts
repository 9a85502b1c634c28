/**
 * A store that talks to a server, in production: the Layer is built once the
 * server answers (a deploy never answers 503 because its client was still
 * connecting), a wrong address fails the start-up saying what to check, an
 * outage is logged once when it begins and once when it ends, and the store
 * serves again when the server is back. On a real Redis, at the store's level,
 * then over HTTP behind a LoginManager (the twin of the Effect 3 line's
 * test/StoreStartup.test.ts): the first request after start-up is served, and
 * during an outage a request that needs the session is a 503 while one that
 * needs none (a public page, a visitor without a cookie) is answered normally.
 */
import { LoginManager, UserLoader } from "@effect-login/effect4"
import type * as LoginError from "@effect-login/effect4/LoginError"
import * as RedisStore from "@effect-login/effect4/RedisStore"
import * as SessionStore from "@effect-login/effect4/SessionStore"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Context, Effect, Exit, Fiber, Layer, Logger, Option, Redacted, References } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { Redis } from "ioredis"
import { testClient } from "./utils/client.js"
import { freePort } from "./utils/freePort.js"
import { ready, redisAvailable, redisMissing, redisServer, watchFailures } from "./utils/redis.js"

/** What the library logged during a test: every line from Info up, with its level, and the Layer that records it. */
const captureLogs = () => {
  const lines: Array<{ readonly level: string; readonly message: string }> = []
  const logger = Logger.make(({ logLevel, message }) => {
    lines.push({ level: logLevel, message: Array.isArray(message) ? message.join(" ") : String(message) })
  })
  return { lines, layer: Layer.merge(Logger.layer([logger]), Layer.succeed(References.MinimumLogLevel, "Info")) }
}

/** The store a Layer builds, in the test's scope. */
const built = (layer: Layer.Layer<SessionStore.SessionStore, LoginError.SessionStoreError>) =>
  Effect.map(Layer.build(layer), (context) => Context.get(context, SessionStore.SessionStore))

const stored = (now: number): SessionStore.StoredSession => ({
  data: "{}",
  userId: "1",
  version: 0,
  createdAt: now,
  expiresAt: now + 60_000
})

describe("RedisStore.layer in production", () => {
  if (!redisAvailable) it("needs redis-server", () => assert.fail(redisMissing))

  it.live("is built once Redis answers: the first operation after it is served", () =>
    Effect.gen(function*() {
      const redis = yield* redisServer
      yield* redis.stop
      const { client, firstFailure } = watchFailures(yield* redis.client({ connected: false }))
      // Redis comes up while the application starts: once the store has been refused.
      const starting = yield* Effect.forkChild(Effect.andThen(firstFailure, redis.start))
      const store = yield* built(RedisStore.layer(client))
      yield* Fiber.join(starting)
      assert.isTrue(yield* store.set("k", stored(Date.now()), undefined))
      assert.isTrue(Option.isSome(yield* store.get("k")))
      yield* SessionStore.healthCheck.pipe(Effect.provideService(SessionStore.SessionStore, store))
    }), 30_000)

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
      }),
    30_000
  )

  it.live(
    "an outage: every operation fails, logged once when it begins and once when it ends, and recovery",
    () => {
      const logs = captureLogs()
      return Effect.gen(function*() {
        const redis = yield* redisServer
        const client = yield* redis.client()
        const store = yield* built(RedisStore.layer(client))
        yield* store.set("k", stored(Date.now()), undefined)

        yield* redis.stop
        for (let i = 0; i < 5; i++) {
          const failed = yield* Effect.flip(store.get("k"))
          assert.strictEqual(failed._tag, "SessionStoreError")
        }
        const unready = yield* Effect.flip(SessionStore.healthCheck).pipe(
          Effect.provideService(SessionStore.SessionStore, store)
        )
        assert.strictEqual(unready._tag, "SessionStoreError")

        yield* redis.start
        yield* ready(client)
        assert.isTrue(Option.isNone(yield* store.get("k")), "back: Redis kept nothing")

        const errors = logs.lines.filter((line) => line.level === "Error")
        assert.strictEqual(errors.length, 1, JSON.stringify(logs.lines))
        assert.include(errors[0]!.message, `Redis at 127.0.0.1:${redis.port} is unreachable`)
        assert.deepStrictEqual(
          logs.lines.filter((line) => line.message.endsWith(`${redis.port} is back`)).map((line) => line.level),
          ["Info"]
        )
      }).pipe(Effect.provide(logs.layer))
    },
    30_000
  )

  it.live(
    "started degraded: built at once, failing until Redis is up, then serving",
    () =>
      Effect.gen(function*() {
        const redis = yield* redisServer
        yield* redis.stop
        const client = yield* redis.client({ connected: false })
        const started = Date.now()
        const store = yield* built(RedisStore.layer(client, { startup: "degraded" }))
        assert.isBelow(Date.now() - started, 1_000, "built without waiting for Redis")
        assert.strictEqual(
          (yield* Effect.flip(store.set("k", stored(Date.now()), undefined)))._tag,
          "SessionStoreError"
        )
        yield* redis.start
        yield* ready(client)
        assert.isTrue(yield* store.set("k", stored(Date.now()), undefined))
        assert.isTrue(Option.isSome(yield* store.get("k")))
      }),
    30_000
  )

  it.live(
    "a command that never answers fails within the store's timeout, and is logged once per store",
    () => {
      const logs = captureLogs()
      return Effect.gen(function*() {
        // A client whose commands hang forever: a Redis that accepts connections and never replies.
        const hanging: RedisStore.RedisClient = { eval: () => new Promise(() => {}) }
        const store = RedisStore.make(hanging, { timeout: "200 millis" })
        const started = Date.now()
        const failed = yield* Effect.flip(store.get("k"))
        assert.isBelow(Date.now() - started, 1_000)
        assert.strictEqual(failed.cause, "timed out")
        assert.strictEqual(failed.operation, "get")
        const degraded = yield* built(RedisStore.layer(hanging, { timeout: "200 millis", startup: "degraded" }))
        const again = yield* Effect.flip(degraded.get("k"))
        assert.strictEqual(again.cause, "timed out")
        yield* Effect.flip(degraded.delete("k"))
        assert.strictEqual(logs.lines.filter((line) => line.level === "Error").length, 2, "one per store")
      }).pipe(Effect.provide(logs.layer))
    },
    30_000
  )
})

// --- Over HTTP, behind a LoginManager ---------------------------------------------

interface User {
  readonly id: string
  readonly name: string
}
const ada: User = { id: "1", name: "Ada" }
const { AuthenticatedUser, layerMemory, login, loginRequired } = UserLoader.make("app/Users", {
  id: (user: User) => user.id
})

const app = Effect.map(
  HttpRouter.toHttpEffect(HttpRouter.addAll([
    HttpRouter.route("GET", "/", Effect.succeed(HttpServerResponse.text("public"))),
    HttpRouter.route("GET", "/login", Effect.as(Effect.orDie(login(ada)), HttpServerResponse.text("logged in"))),
    HttpRouter.route(
      "GET",
      "/me",
      Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(user.name)).pipe(loginRequired)
    ),
    HttpRouter.route(
      "GET",
      "/ready",
      SessionStore.healthCheck.pipe(
        Effect.as(HttpServerResponse.text("ready")),
        Effect.catchTag(
          "SessionStoreError",
          () => Effect.succeed(HttpServerResponse.text("store unreachable", { status: 503 }))
        )
      )
    )
  ])),
  LoginManager.middleware
)

const loginOver = (store: Layer.Layer<SessionStore.SessionStore, LoginError.SessionStoreError>) =>
  LoginManager.layerStore({
    secretKey: Redacted.make("store-startup-test-secret-0123456789"),
    cookie: { secure: false }
  })
    .pipe(Layer.provideMerge(store), Layer.provide(layerMemory([ada])))

/** A browser of `app` on the login manager that `context` holds (each has its own cookie jar). */
const browserOf = (context: Context.Context<LoginManager.LoginManager | SessionStore.SessionStore>) =>
  Effect.flatMap(app, (app) => Effect.provide(testClient(app), context))

describe("RedisStore.layer in production, over HTTP", () => {
  if (!redisAvailable) it("needs redis-server", () => assert.fail(redisMissing))

  it.live("is built once Redis answers: the first request after it is served", () =>
    Effect.gen(function*() {
      const redis = yield* redisServer
      yield* redis.stop
      const { client, firstFailure } = watchFailures(yield* redis.client({ connected: false }))
      // Redis comes up while the application starts: once the store has been refused.
      const starting = yield* Effect.forkChild(Effect.andThen(firstFailure, redis.start))
      const context = yield* Layer.build(loginOver(RedisStore.layer(client)))
      yield* Fiber.join(starting)
      const browser = yield* browserOf(context)
      const first = yield* browser.get("/login")
      assert.strictEqual(first.status, 200)
      assert.strictEqual((yield* browser.get("/me")).body, "Ada")
      assert.strictEqual((yield* browser.get("/ready")).body, "ready")
    }), 30_000)

  it.live(
    "an outage: 503 where the session is needed, logged once when it begins and once when it ends; what needs no session is served",
    () => {
      const logs = captureLogs()
      return Effect.gen(function*() {
        const redis = yield* redisServer
        const client = yield* redis.client()
        const context = yield* Layer.build(loginOver(RedisStore.layer(client)))
        const user = yield* browserOf(context)
        const visitor = yield* browserOf(context)
        yield* user.get("/login")
        assert.strictEqual((yield* user.get("/me")).body, "Ada")

        yield* redis.stop
        for (let i = 0; i < 5; i++) assert.strictEqual((yield* user.get("/me")).status, 503)
        assert.strictEqual((yield* user.get("/ready")).status, 503)
        assert.strictEqual((yield* user.get("/")).body, "public")
        // No session cookie: the refusal needs no store.
        assert.strictEqual((yield* visitor.get("/me")).status, 401)

        yield* redis.start
        yield* ready(client)
        assert.strictEqual((yield* user.get("/me")).status, 401, "back: Redis kept nothing, so the user is anonymous")

        const errors = logs.lines.filter((line) => line.level === "Error")
        assert.strictEqual(errors.length, 1, JSON.stringify(logs.lines))
        assert.include(errors[0]!.message, `Redis at 127.0.0.1:${redis.port} is unreachable`)
        assert.deepStrictEqual(
          logs.lines.filter((line) => line.message.endsWith(`${redis.port} is back`)).map((line) => line.level),
          ["Info"]
        )
      }).pipe(Effect.provide(logs.layer))
    },
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
        const browser = yield* browserOf(context)
        assert.strictEqual((yield* browser.get("/")).body, "public")
        assert.strictEqual((yield* browser.get("/login")).status, 503)
        yield* redis.start
        yield* ready(client)
        assert.strictEqual((yield* browser.get("/login")).status, 200)
        assert.strictEqual((yield* browser.get("/me")).body, "Ada")
      }),
    30_000
  )

  it.live(
    "a command that never answers fails within the store's timeout, as a 503, and is logged once per store",
    () => {
      const logs = captureLogs()
      return Effect.gen(function*() {
        // A client whose commands hang forever: a Redis that accepts connections and never replies.
        const hanging: RedisStore.RedisClient = { eval: () => new Promise(() => {}) }
        const store = RedisStore.make(hanging, { timeout: "200 millis" })
        const failed = yield* Effect.flip(store.get("k"))
        assert.strictEqual(failed.cause, "timed out")
        const context = yield* Layer.build(
          loginOver(RedisStore.layer(hanging, { timeout: "200 millis", startup: "degraded" }))
        )
        const browser = yield* browserOf(context)
        browser.cookies.set("session", "a".repeat(43))
        const started = Date.now()
        const response = yield* browser.get("/me")
        assert.strictEqual(response.status, 503)
        assert.isBelow(Date.now() - started, 2_000)
        assert.strictEqual((yield* browser.get("/")).body, "public")
        assert.strictEqual(logs.lines.filter((line) => line.level === "Error").length, 2, "one per store")
      }).pipe(Effect.provide(logs.layer))
    },
    30_000
  )
})
