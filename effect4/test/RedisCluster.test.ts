/**
 * The Redis store on a real three-node Redis Cluster: the store suite, a
 * login flow over HTTP (two devices, remember me, log out everywhere), a
 * user's keys in one slot while users spread over the nodes, and the control:
 * the 0.1 layout (no user tag) is refused by the cluster, so these tests can fail.
 */
import { LoginManager, Session, UserLoader } from "@effect-login/effect4"
import * as RedisStore from "@effect-login/effect4/RedisStore"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Option, Redacted, Scope } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { TestClock } from "effect/testing"
import type { Cluster } from "ioredis"
import * as storePersistence from "../../src/core/storePersistence.js"
import { testClient } from "./utils/client.js"
import { redisAvailable, redisMissing } from "./utils/redis.js"
import { ageCluster, type RedisCluster, redisCluster } from "./utils/redisCluster.js"
import { suite } from "./utils/SessionStoreSuite.js"

interface User {
  readonly id: string
  readonly name: string
}
// The tests of this file run concurrently: each has users of its own.
const spread: ReadonlyArray<User> = Array.from({ length: 30 }, (_, i) => ({ id: `user-${i}`, name: `User ${i}` }))
const ada: User = { id: "ada", name: "Ada" }
const bob: User = { id: "bob", name: "Bob" }
const { CurrentUser, isAuthenticated, layerMemory, login } = UserLoader.make("app/Users", {
  id: (user: User) => user.id
})

const app = Effect.map(
  HttpRouter.toHttpEffect(HttpRouter.addAll([
    HttpRouter.route(
      "GET",
      "/login/:id",
      Effect.gen(function*() {
        const id = (yield* HttpRouter.params)["id"]
        yield* Effect.orDie(login(id === "ada" ? ada : bob, { remember: true }))
        return HttpServerResponse.text("ok")
      })
    ),
    HttpRouter.route(
      "GET",
      "/me",
      Effect.map(CurrentUser, (user) => HttpServerResponse.text(isAuthenticated(user) ? user.name : "anonymous"))
    ),
    HttpRouter.route(
      "GET",
      "/sessions",
      Effect.flatMap(Session.listSessions, (sessions) => HttpServerResponse.json(sessions))
    ),
    HttpRouter.route(
      "GET",
      "/logout-others",
      Effect.map(Session.logoutOtherDevices, (n) => HttpServerResponse.text(String(n)))
    ),
    HttpRouter.route(
      "GET",
      "/logout-everywhere",
      Effect.map(Session.logoutEverywhere, (n) => HttpServerResponse.text(String(n)))
    )
  ])),
  LoginManager.middleware
)

if (!redisAvailable) {
  describe("RedisStore on Redis Cluster", () => {
    it("needs redis-server", () => assert.fail(redisMissing))
  })
} else {
  // One cluster for the file (forming one takes a second or two); every test has keys and users of its own.
  const scope = Scope.makeUnsafe()
  let cluster: RedisCluster
  beforeAll(async () => {
    cluster = await Effect.runPromise(Scope.provide(scope)(redisCluster))
  }, 60_000)
  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))
  const client = Effect.suspend(() => cluster.client)
  const slotOf = (redis: Cluster, key: string) => Effect.promise(() => redis.call("CLUSTER", "KEYSLOT", key))

  // The cases share the cluster, and ageing its keys moves time for all of them: one at a time.
  suite("Redis Cluster", Layer.unwrap(Effect.map(client, (redis) => RedisStore.layer(redis))), {
    advance: (millis) =>
      Effect.andThen(
        TestClock.adjust(millis),
        Effect.scoped(Effect.flatMap(client, (redis) => ageCluster(redis, millis)))
      ),
    sequential: true,
    sharded: true
  })

  describe("RedisStore on Redis Cluster", () => {
    it.live(
      "two devices log in and are listed; log out other devices ends the laptop's session and remember token",
      () =>
        Effect.gen(function*() {
          const redis = yield* client
          const context = yield* Layer.build(
            LoginManager.layerStore({
              secretKey: Redacted.make("redis-cluster-test-secret-0123456789abcdef"),
              cookie: { secure: false }
            }).pipe(Layer.provide(RedisStore.layer(redis)), Layer.provide(layerMemory([ada, bob])))
          )
          const handler = yield* app
          const [laptop, phone, other] = yield* Effect.all([
            testClient(handler),
            testClient(handler),
            testClient(handler)
          ]).pipe(
            Effect.provide(context)
          )
          yield* laptop.get("/login/ada")
          yield* phone.get("/login/ada")
          yield* other.get("/login/bob")
          assert.strictEqual((yield* laptop.get("/me")).body, "Ada")
          const listed = JSON.parse((yield* phone.get("/sessions")).body) as ReadonlyArray<{ readonly kind: string }>
          assert.deepStrictEqual(listed.map((entry) => entry.kind).sort(), [
            "remember",
            "remember",
            "session",
            "session"
          ])

          const remembered = laptop.cookies.get("remember_token")!
          assert.strictEqual((yield* phone.get("/logout-others")).body, "2", "the laptop's session and series")
          assert.strictEqual((yield* laptop.get("/me")).body, "anonymous")
          // The laptop's remember cookie alone, as after a browser restart: refused too.
          laptop.cookies.clear()
          laptop.cookies.set("remember_token", remembered)
          assert.strictEqual((yield* laptop.get("/me")).body, "anonymous")
          assert.strictEqual((yield* phone.get("/me")).body, "Ada")
          assert.strictEqual((yield* other.get("/me")).body, "Bob")
          // Log out everywhere: this browser too, with its remember token; the other user stays.
          const phoneRemembered = phone.cookies.get("remember_token")!
          assert.strictEqual((yield* phone.get("/logout-everywhere")).body, "0", "no other device was left")
          assert.strictEqual((yield* phone.get("/me")).body, "anonymous")
          phone.cookies.set("remember_token", phoneRemembered)
          assert.strictEqual((yield* phone.get("/me")).body, "anonymous")
          assert.lengthOf(JSON.parse((yield* other.get("/sessions")).body), 2)
        }).pipe(Effect.scoped),
      30_000
    )

    it.live(
      "a user's sessions, series and index share a slot; users spread over the three nodes",
      () =>
        Effect.gen(function*() {
          const redis = yield* client
          const store = RedisStore.make(redis)
          const now = Date.now()
          for (const user of spread) {
            const keys = [storePersistence.newId(user.id).key, storePersistence.newId(user.id).key]
            for (const key of keys) {
              assert.isTrue(
                yield* store.set(key, {
                  data: "{}",
                  userId: user.id,
                  version: 0,
                  createdAt: now,
                  expiresAt: now + 60_000
                }, undefined)
              )
            }
            const slots = new Set(
              yield* Effect.forEach(
                [...keys.map((key) => `effect-login:s:${key}`), ...keys],
                (key) => slotOf(redis, key)
              )
            )
            assert.strictEqual(slots.size, 1, `${user.id}: one slot`)
            assert.strictEqual((yield* store.listByUser(user.id)).length, 2)
          }
          const sizes = yield* Effect.promise(() => Promise.all(redis.nodes("master").map((node) => node.dbsize())))
          assert.strictEqual(sizes.length, 3)
          for (const size of sizes) assert.isAbove(size, 0, `keys on every node: ${sizes.join(", ")}`)
          for (const user of spread) assert.strictEqual(yield* store.deleteByUser(user.id), 2)
        }).pipe(Effect.scoped),
      30_000
    )

    it.live(
      "the control: keys without the user's tag (the 0.1 layout) are refused by the cluster",
      () =>
        Effect.gen(function*() {
          const redis = yield* client
          const store = RedisStore.make(redis)
          const now = Date.now()
          const key = storePersistence.newId(undefined).key
          // Some untagged key hashes to the user's slot by chance (1 in 16,384): take one that does not.
          const apart =
            (yield* slotOf(redis, `effect-login:s:${key}`)) !== (yield* slotOf(redis, "effect-login:u:carol"))
          const result = yield* Effect.result(
            store.set(
              key,
              { data: "{}", userId: "carol", version: 0, createdAt: now, expiresAt: now + 60_000 },
              undefined
            )
          )
          assert.isTrue(apart)
          assert.isTrue(result._tag === "Failure" && /CROSSSLOT/.test(String(result.failure.cause)), String(result))
          assert.isTrue(Option.isNone(yield* store.get(key)))
        }).pipe(Effect.scoped),
      30_000
    )
  })
}
