/**
 * examples/recipes/login-rate-limit.ts over real HTTP: per-account and per-client limits, 429 with
 * Retry-After, shared by two instances through a real Redis, and 503 when that Redis is gone.
 */
import { RateLimiter } from "@effect/experimental"
import * as RateLimiterRedis from "@effect/experimental/RateLimiter/Redis"
import {
  HttpClient,
  HttpClientRequest,
  HttpRouter,
  HttpServer,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Layer, Schema } from "effect"
import { countAttempt, limits } from "../../examples/recipes/login-rate-limit.js"
import { redisServer } from "../utils/redis.js"

// A login route as an application writes it: count the attempt, then check the password.
const app = HttpRouter.empty.pipe(
  HttpRouter.post(
    "/login",
    Effect.gen(function*() {
      const form = yield* HttpServerRequest.schemaBodyUrlParams(
        Schema.Struct({ username: Schema.String, password: Schema.String })
      )
      yield* countAttempt(form.username)
      return form.password === "right"
        ? HttpServerResponse.text("ok")
        : HttpServerResponse.text("Invalid credentials", { status: 401 })
    })
  )
)

const serve = <E>(store: Layer.Layer<RateLimiter.RateLimiterStore, E>) =>
  HttpServer.serve(app).pipe(
    Layer.provide(RateLimiter.layer),
    Layer.provide(store),
    Layer.provideMerge(NodeHttpServer.layerTest)
  )

const attempt = (username: string, password = "wrong") =>
  Effect.flatMap(
    HttpClient.HttpClient,
    (client) =>
      client.execute(HttpClientRequest.bodyUrlParams(HttpClientRequest.post("/login"), { username, password })).pipe(
        Effect.map((response) => ({ status: response.status, retryAfter: response.headers["retry-after"] }))
      )
  )

describe("recipe: limiting login attempts", () => {
  it.scoped("per account: the 11th attempt in 15 minutes gets 429 with Retry-After, even with the right password", () =>
    Effect.gen(function*() {
      for (let i = 0; i < limits.account.limit; i++) assert.strictEqual((yield* attempt("ada")).status, 401)
      const refused = yield* attempt("ada", "right")
      assert.strictEqual(refused.status, 429)
      const seconds = Number(refused.retryAfter)
      assert.isTrue(seconds >= 1 && seconds <= 15 * 60, refused.retryAfter)
      // Usernames differing only in case are one account.
      assert.strictEqual((yield* attempt("ADA", "right")).status, 429)
      // Another account from the same address is still served.
      assert.strictEqual((yield* attempt("bob", "right")).status, 200)
    }).pipe(Effect.provide(serve(RateLimiter.layerStoreMemory))))

  it.scoped("per client address: the 31st attempt in a minute gets 429, whatever the account", () =>
    Effect.gen(function*() {
      for (let i = 0; i < limits.client.limit; i++) assert.strictEqual((yield* attempt(`user${i}`)).status, 401)
      assert.strictEqual((yield* attempt("someone-new", "right")).status, 429)
    }).pipe(Effect.provide(serve(RateLimiter.layerStoreMemory))))

  it.scoped("two instances on one Redis share the count", () =>
    Effect.gen(function*() {
      const redis = yield* redisServer
      const store = RateLimiterRedis.layerStore({ host: "127.0.0.1", port: redis.port })
      const [a, b] = yield* Effect.all([
        Layer.build(serve(store)).pipe(Effect.map((context) => Effect.provide(context))),
        Layer.build(serve(store)).pipe(Effect.map((context) => Effect.provide(context)))
      ])
      for (let i = 0; i < 6; i++) assert.strictEqual((yield* a(attempt("ada"))).status, 401)
      for (let i = 0; i < 4; i++) assert.strictEqual((yield* b(attempt("ada"))).status, 401)
      assert.strictEqual((yield* b(attempt("ada", "right"))).status, 429)
      assert.strictEqual((yield* a(attempt("ada", "right"))).status, 429)
      assert.strictEqual((yield* a(attempt("bob", "right"))).status, 200)
    }), 30_000)

  // The limiter's store failing, or not answering: the login fails closed, and does not hang.
  const brokenStore = (fail: Effect.Effect<never, RateLimiter.RateLimiterError>) =>
    Layer.succeed(RateLimiter.RateLimiterStore, { fixedWindow: () => fail, tokenBucket: () => fail })

  it.scoped("a failing store answers 503", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* attempt("ada", "right")).status, 503)
    }).pipe(
      Effect.provide(serve(brokenStore(Effect.fail(new RateLimiter.RateLimitStoreError({ message: "down" })))))
    ))

  it.scopedLive("a store that does not answer gets 503 after 2 seconds", () =>
    Effect.gen(function*() {
      const [elapsed, response] = yield* Effect.timed(attempt("ada", "right"))
      assert.strictEqual(response.status, 503)
      assert.isAtLeast(Duration.toMillis(elapsed), 1_900)
    }).pipe(Effect.provide(serve(brokenStore(Effect.never)))), 30_000)
})
