/**
 * What the Redis store adds to the SessionStore suite (which it passes on a
 * real Redis, test/SessionStores.test.ts), on a real Redis: the index hole of
 * 0.1.0 (a session only read outlived its user's index) closed by `touch`, and
 * revocations in batches that never block Redis. And over HTTP: two
 * instances of examples/redis.ts on one Redis, on real sockets (log in on A,
 * use the session on B, log out everywhere on B, refused on A), the index
 * hole through the login manager, and Redis going away (a 503 where the
 * session is needed, the public route still served, recovery): the twin of
 * the Effect 3 line's test/Redis.test.ts.
 */
import { LoginManager, Session, UserLoader } from "@effect-login/effect4"
import * as RedisStore from "@effect-login/effect4/RedisStore"
import type * as SessionStore from "@effect-login/effect4/SessionStore"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Duration, Effect, Fiber, Layer, Option, Redacted } from "effect"
import { HttpRouter, HttpServer, HttpServerResponse } from "effect/http"
import { TestClock } from "effect/testing"
import { Redis } from "ioredis"
import * as storePersistence from "../../src/core/storePersistence.js"
import { instance as exampleInstance } from "../examples/redis.js"
import { testClient } from "./utils/client.js"
import { ready, redisAvailable, redisMissing, redisServer } from "./utils/redis.js"

const stored = (now: number, userId: string, expiresAt: number): SessionStore.StoredSession => ({
  data: "{}",
  userId,
  version: 0,
  createdAt: now,
  expiresAt
})

describe("RedisStore on a real Redis", () => {
  if (!redisAvailable) it("needs redis-server", () => assert.fail(redisMissing))

  it.effect(
    "a session that is only touched keeps the user's index alive with it: still listed and revoked",
    () =>
      Effect.gen(function*() {
        const redis = yield* redisServer
        const client = yield* redis.client()
        const store = RedisStore.make(client)
        // A 2 s idle timeout. Time moves on the TestClock, as the store sees it; Redis keeps its own
        // clock, so its TTLs are read (PTTL) rather than waited for.
        const now = yield* Clock.currentTimeMillis
        // Keys as the manager makes them for user "1": its tag, 356a, in braces.
        const [reader, admin] = [storePersistence.newId("1").key, storePersistence.newId("1").key]
        yield* store.set(reader, stored(now, "1", now + 2_000), undefined)
        const index = "effect-login:u:{356a}1"
        const pttl = (key: string) => Effect.promise(() => client.pttl(key))
        // As if time had passed in Redis too: the session's key has aged by 500 ms, and the index is about to
        // expire (what a session that is only read used to leave behind, as its own key's TTL moved on).
        yield* Effect.promise(() => client.pexpire(`effect-login:s:${reader}`, 1_500))
        yield* Effect.promise(() => client.pexpire(index, 200))
        yield* TestClock.adjust("500 millis")
        // A read, then the touch that moves its expiry: the key and the index live the whole idle timeout again.
        yield* store.touch(reader, now + 500 + 2_000)
        assert.isAbove(yield* pttl(index), 1_800)
        assert.isAbove(yield* pttl(`effect-login:s:${reader}`), 1_800)

        yield* store.set(admin, stored(now, "1", now + 2_500), undefined)
        assert.deepStrictEqual((yield* store.listByUser("1")).map((entry) => entry.key).sort(), [admin, reader].sort())
        assert.strictEqual(yield* store.deleteByUser("1", [admin]), 1)
        assert.strictEqual((yield* store.get(reader))._tag, "None")
      }),
    30_000
  )

  it.live("what 0.1 stored (no user tag in the key or the index) is still listed, touched and revoked", () =>
    Effect.gen(function*() {
      const redis = yield* redisServer
      const client = yield* redis.client()
      const store = RedisStore.make(client)
      const now = Date.now()
      const record = { data: "{}", userId: "ada", version: 0, createdAt: now, expiresAt: now + 60_000 }
      const isMember = (index: string, key: string) => Effect.promise(() => client.sismember(index, key))
      // A session id of 0.1 has no tag: its key is a bare hash, listed in the index of 0.1.
      const old = storePersistence.newId(undefined).key
      const current = storePersistence.newId("ada").key
      yield* store.set(old, record, undefined)
      yield* store.set(current, record, undefined)
      assert.strictEqual(yield* isMember("effect-login:u:ada", old), 1)
      assert.strictEqual(yield* isMember("effect-login:u:{e4ea}ada", current), 1)
      assert.deepStrictEqual((yield* store.listByUser("ada")).map((entry) => entry.key).sort(), [old, current].sort())
      // Touching the old session keeps it in its own index, where revocation finds it.
      yield* Effect.promise(() => client.del("effect-login:u:ada"))
      yield* store.touch(old, now + 60_000)
      assert.strictEqual(yield* isMember("effect-login:u:ada", old), 1)
      assert.strictEqual(yield* store.deleteByUser("ada", [current]), 1)
      assert.isTrue(Option.isNone(yield* store.get(old)))
      assert.isTrue(Option.isSome(yield* store.get(current)))
      yield* store.delete(current)
      assert.deepStrictEqual(yield* store.listByUser("ada"), [])
    }).pipe(Effect.scoped))

  it.live(
    "revoking 100,000 sessions of one user never blocks Redis for 100 ms, where one command for all of them does",
    () =>
      Effect.gen(function*() {
        const redis = yield* redisServer
        const client = yield* redis.client()
        const store = RedisStore.make(client, { timeout: "5 seconds" })
        // Setting up and reading SLOWLOG take their time: a client without a command timeout.
        const admin = yield* Effect.acquireRelease(
          Effect.sync(() => new Redis(redis.url)),
          (admin) => Effect.sync(() => admin.disconnect())
        )
        // 100,000 sessions of one user, keys and index under the user's tag (written by a script: setting them
        // one by one takes a while).
        const flood = (user: string) =>
          Effect.promise(() =>
            admin.eval(
              `local tag = '{' .. string.sub(redis.sha1hex(ARGV[1]), 1, 4) .. '}'
             for i = 1, 100000 do
               redis.call('SET', 'effect-login:s:' .. ARGV[1] .. i .. tag, '{"data":"{}","userId":"' .. ARGV[1] .. '","version":0,"createdAt":0,"expiresAt":0}', 'PX', 600000)
               redis.call('SADD', 'effect-login:u:' .. tag .. ARGV[1], ARGV[1] .. i .. tag)
             end`,
              0,
              user
            )
          )
        yield* flood("flood")
        // A batch of 500 takes about 1 ms; the 100 ms bound leaves room for a loaded CI machine (one command for
        // all of them takes about 270 ms even on a quiet one).
        yield* Effect.promise(() => admin.call("CONFIG", "SET", "slowlog-log-slower-than", "100000"))
        yield* Effect.promise(() => admin.call("SLOWLOG", "RESET"))
        // Another user's requests meanwhile: each answered quickly.
        const other = yield* Effect.forkChild(
          Effect.forEach(Array.from({ length: 50 }), () =>
            Effect.andThen(Effect.sleep("5 millis"), Effect.timed(store.get("other"))))
        )
        const ended = yield* store.deleteByUser("flood", ["flood1{ff0d}"])
        const latencies = (yield* Fiber.join(other)).map(([duration]) =>
          Duration.toMillis(duration)
        )
        assert.strictEqual(ended, 99_999)
        assert.deepStrictEqual((yield* store.listByUser("flood")).map((entry) => entry.key), ["flood1{ff0d}"])
        const slowLog = Effect.promise(() => admin.call("SLOWLOG", "GET", "10") as Promise<ReadonlyArray<unknown>>)
        assert.deepStrictEqual(yield* slowLog, [], "no command took 100 ms or more")
        // Measured from this process, so only a sanity bound: SLOWLOG above is the measurement.
        assert.isBelow(Math.max(...latencies), 1_000)

        // The control: the same revocation as one command (what an unbatched store does) is caught
        // by the same bound, so the assertion above can fail.
        yield* flood("control")
        yield* Effect.promise(() => admin.call("SLOWLOG", "RESET"))
        yield* Effect.promise(() =>
          admin.eval(
            `local members = redis.call('SMEMBERS', KEYS[1])
             for i = 1, #members, 5000 do
               local keys = {}
               for j = i, math.min(i + 4999, #members) do keys[#keys + 1] = 'effect-login:s:' .. members[j] end
               redis.call('UNLINK', unpack(keys))
             end`,
            1,
            "effect-login:u:{2aee}control"
          )
        )
        // The control's own script is in the log (on a loaded machine another command may be too).
        const slow = (yield* slowLog) as ReadonlyArray<readonly [unknown, unknown, unknown, ReadonlyArray<string>]>
        assert.isTrue(
          slow.some((entry) => entry[3].some((arg) => arg.includes("SMEMBERS"))),
          `one command revoking all 100,000 sessions takes 100 ms or more: ${JSON.stringify(slow)}`
        )
      }),
    60_000
  )
})

/** Serves one instance of examples/redis.ts on a free port, for the test's scope; returns its base URL. */
const instance = (name: string, client: RedisStore.RedisClient) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(exampleInstance(name, client, 0))
    const server = yield* Effect.provide(HttpServer.HttpServer, context)
    return HttpServer.formatAddress(server.address)
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

const ada = { id: "1", name: "Ada" }
const { CurrentUser, isAuthenticated, layerMemory, login } = UserLoader.make("app/Users", {
  id: (user: { readonly id: string; readonly name: string }) => user.id
})
const shortApp = Effect.map(
  HttpRouter.toHttpEffect(HttpRouter.addAll([
    HttpRouter.route("GET", "/login", Effect.as(Effect.orDie(login(ada)), HttpServerResponse.text("ok"))),
    HttpRouter.route(
      "GET",
      "/me",
      Effect.map(CurrentUser, (u) => HttpServerResponse.text(isAuthenticated(u) ? u.name : "anonymous"))
    ),
    HttpRouter.route(
      "GET",
      "/sessions",
      Effect.flatMap(Session.listSessions, (sessions) => HttpServerResponse.json(sessions))
    ),
    HttpRouter.route(
      "GET",
      "/logout-everywhere",
      Effect.map(Session.logoutEverywhere, (n) => HttpServerResponse.text(String(n)))
    )
  ])),
  LoginManager.middleware
)

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

      assert.strictEqual((yield* laptop(`${a}/ready`)).body, "A: ready")
      assert.strictEqual((yield* laptop(`${a}/login`, { method: "POST" })).body, "A: logged in")
      assert.strictEqual((yield* laptop(`${b}/me`)).body, "B: Ada")
      yield* phone(`${b}/login`, { method: "POST" })
      assert.strictEqual((yield* phone(`${a}/me`)).body, "A: Ada")

      assert.strictEqual((yield* phone(`${b}/logout-everywhere`, { method: "POST" })).body, "B: ended 1 other sessions")
      assert.strictEqual((yield* laptop(`${a}/me`)).status, 401)
      assert.strictEqual((yield* phone(`${a}/me`)).status, 401)
    }), 30_000)

  it.effect(
    "a device that only reads keeps the user's index alive with its session: still listed and ended everywhere",
    () =>
      Effect.gen(function*() {
        const redis = yield* redisServer
        const client = yield* redis.client()
        // A 2 s idle timeout, touched every 300 ms. Time moves on the TestClock, as the store sees it; Redis
        // keeps its own clock, so its TTLs are read (PTTL) rather than waited for.
        const loginLayer = LoginManager.layerStore({
          secretKey: Redacted.make("redis-short-ttl-test-secret-0123456789"),
          cookie: { secure: false },
          expiry: { idleTimeout: "2 seconds", absoluteTimeout: "1 minute", touchInterval: "300 millis" }
        }).pipe(Layer.provide(RedisStore.layer(client)), Layer.provide(layerMemory([ada])))
        const context = yield* Layer.build(loginLayer)
        const app = yield* shortApp
        const [reader, admin] = yield* Effect.all([testClient(app), testClient(app)]).pipe(Effect.provide(context))
        yield* reader.get("/login")
        const index = "effect-login:u:{356a}1"
        const pttl = (key: string) => Effect.promise(() => client.pttl(key))
        // As if time had passed in Redis too: the session's key has aged by 500 ms, and the index is about to
        // expire (what a session that is only read used to leave behind, as its own key's TTL moved on).
        const [session] = yield* Effect.promise(() => client.smembers(index))
        yield* Effect.promise(() => client.pexpire(`effect-login:s:${session}`, 1_500))
        yield* Effect.promise(() => client.pexpire(index, 200))
        yield* TestClock.adjust("500 millis")
        assert.strictEqual((yield* reader.get("/me")).body, "Ada")
        // The read touched the session: its key and the index now live the whole idle timeout again.
        assert.isAbove(yield* pttl(index), 1_800)
        assert.isAbove(yield* pttl(`effect-login:s:${session}`), 1_800)

        yield* admin.get("/login")
        const listed = JSON.parse((yield* admin.get("/sessions")).body) as ReadonlyArray<unknown>
        assert.strictEqual(listed.length, 2)
        assert.strictEqual((yield* admin.get("/logout-everywhere")).body, "1")
        assert.strictEqual((yield* reader.get("/me")).body, "anonymous")
      }),
    30_000
  )

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
        assert.strictEqual((yield* user(`${a}/ready`)).status, 503)

        yield* redis.start
        // The client reconnects; Redis kept nothing (no persistence), so the user logs in again.
        yield* ready(client)
        assert.strictEqual((yield* user(`${a}/me`)).status, 401)
        yield* user(`${a}/login`, { method: "POST" })
        assert.strictEqual((yield* user(`${a}/me`)).body, "A: Ada")
      }),
    30_000
  )
})
