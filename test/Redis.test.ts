/**
 * Two app servers (examples/redis.ts) on one real Redis, on real sockets:
 * log in on A, use the session on B, log out everywhere on B, refused on A.
 * Then Redis goes away: a typed 503 where the session is needed, the public
 * route keeps serving, and service comes back with Redis.
 */
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { createServer } from "node:http"
import { app, LoginLive } from "../examples/redis.js"
import { redisAvailable, redisMissing, redisServer } from "./utils/redis.js"

/** Serves one instance on a free port; returns its base URL. */
const instance = (name: string, client: Parameters<typeof LoginLive>[0]) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(
      HttpServer.serve(app(name)).pipe(
        Layer.provide(LoginLive(client)),
        Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
      )
    )
    const server = yield* Effect.provide(HttpServer.HttpServer, context)
    return server.address._tag === "TcpAddress" ? `http://127.0.0.1:${server.address.port}` : ""
  })

/** A browser-like fetch: one cookie jar for both instances (as behind one load balancer). */
const browser = () => {
  const jar = new Map<string, string>()
  return (url: string, init: RequestInit = {}) =>
    Effect.promise(async () => {
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ")
      const response = await fetch(url, {
        ...init,
        headers: { cookie, "sec-fetch-site": "same-origin", ...init.headers },
        redirect: "manual"
      })
      for (const line of response.headers.getSetCookie()) {
        const [pair = ""] = line.split(";")
        const [name = "", value = ""] = pair.split("=")
        if (value === "" || /max-age=0/i.test(line)) jar.delete(name)
        else jar.set(name, value)
      }
      return { status: response.status, body: await response.text() }
    })
}

describe("two instances on one Redis", () => {
  if (!redisAvailable) it("needs redis-server", () => assert.fail(redisMissing))

  it.live("log in on A, use on B, log out everywhere on B, refused on A", () =>
    Effect.gen(function*() {
      const redis = yield* redisServer
      const client = yield* redis.client()
      const a = yield* instance("A", client)
      const b = yield* instance("B", client)
      const laptop = browser()
      const phone = browser()

      assert.strictEqual((yield* laptop(`${a}/login`, { method: "POST" })).body, "A: logged in")
      assert.strictEqual((yield* laptop(`${b}/me`)).body, "B: Ada")
      yield* phone(`${b}/login`, { method: "POST" })
      assert.strictEqual((yield* phone(`${a}/me`)).body, "A: Ada")

      assert.strictEqual((yield* phone(`${b}/logout-everywhere`, { method: "POST" })).body, "B: ended 1 other sessions")
      assert.strictEqual((yield* laptop(`${a}/me`)).status, 401)
      assert.strictEqual((yield* phone(`${a}/me`)).status, 401)
    }).pipe(Effect.scoped), 30_000)

  it.live(
    "Redis goes away: 503 where the session is needed, public routes serve, and recovery",
    () =>
      Effect.gen(function*() {
        const redis = yield* redisServer
        const client = yield* redis.client()
        const a = yield* instance("A", client)
        const user = browser()
        yield* user(`${a}/login`, { method: "POST" })
        assert.strictEqual((yield* user(`${a}/me`)).status, 200)

        yield* redis.stop
        const started = Date.now()
        const down = yield* user(`${a}/me`)
        assert.strictEqual(down.status, 503)
        assert.strictEqual(down.body, "Service Unavailable")
        // Bounded: no hang while Redis is away.
        assert.isBelow(Date.now() - started, 3_000)
        assert.strictEqual((yield* user(`${a}/`)).body, "A: public")

        yield* redis.start
        // The client reconnects; Redis kept nothing (no persistence), so the user logs in again.
        let status = 0
        for (let i = 0; i < 50 && status !== 401; i++) {
          status = (yield* user(`${a}/me`)).status
          if (status !== 401) yield* Effect.sleep("100 millis")
        }
        assert.strictEqual(status, 401)
        yield* user(`${a}/login`, { method: "POST" })
        assert.strictEqual((yield* user(`${a}/me`)).body, "A: Ada")
      }).pipe(Effect.scoped),
    30_000
  )
})
