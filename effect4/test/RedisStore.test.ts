/**
 * What the Redis store adds to the SessionStore suite (which it passes on a
 * real Redis, test/SessionStores.test.ts), on a real Redis: the index hole of
 * 0.1.0 (a session only read outlived its user's index) closed by `touch`, and
 * revocations in batches that never block Redis.
 */
import * as RedisStore from "@effect-login/effect4/RedisStore"
import type * as SessionStore from "@effect-login/effect4/SessionStore"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Duration, Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { Redis } from "ioredis"
import { redisAvailable, redisMissing, redisServer } from "./utils/redis.js"

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
        yield* store.set("reader", stored(now, "1", now + 2_000), undefined)
        const index = "effect-login:u:1"
        const pttl = (key: string) => Effect.promise(() => client.pttl(key))
        // As if time had passed in Redis too: the session's key has aged by 500 ms, and the index is about to
        // expire (what a session that is only read used to leave behind, as its own key's TTL moved on).
        yield* Effect.promise(() => client.pexpire("effect-login:s:reader", 1_500))
        yield* Effect.promise(() => client.pexpire(index, 200))
        yield* TestClock.adjust("500 millis")
        // A read, then the touch that moves its expiry: the key and the index live the whole idle timeout again.
        yield* store.touch("reader", now + 500 + 2_000)
        assert.isAbove(yield* pttl(index), 1_800)
        assert.isAbove(yield* pttl("effect-login:s:reader"), 1_800)

        yield* store.set("admin", stored(now, "1", now + 2_500), undefined)
        assert.deepStrictEqual((yield* store.listByUser("1")).map((entry) => entry.key).sort(), ["admin", "reader"])
        assert.strictEqual(yield* store.deleteByUser("1", ["admin"]), 1)
        assert.strictEqual((yield* store.get("reader"))._tag, "None")
      }),
    30_000
  )

  it.live(
    "revoking 100,000 sessions of one user never blocks Redis for 50 ms, where one command for all of them does",
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
        // 100,000 sessions of one user (written by a script: setting them one by one takes a while).
        const flood = (user: string) =>
          Effect.promise(() =>
            admin.eval(
              `for i = 1, 100000 do
               redis.call('SET', 'effect-login:s:' .. ARGV[1] .. i, '{"data":"{}","userId":"' .. ARGV[1] .. '","version":0,"createdAt":0,"expiresAt":0}', 'PX', 600000)
               redis.call('SADD', 'effect-login:u:' .. ARGV[1], ARGV[1] .. i)
             end`,
              0,
              user
            )
          )
        yield* flood("flood")
        // A batch of 500 takes about 1 ms; the 50 ms bound leaves room for a loaded CI machine.
        yield* Effect.promise(() => admin.call("CONFIG", "SET", "slowlog-log-slower-than", "50000"))
        yield* Effect.promise(() => admin.call("SLOWLOG", "RESET"))
        // Another user's requests meanwhile: each answered quickly.
        const other = yield* Effect.forkChild(
          Effect.forEach(Array.from({ length: 50 }), () =>
            Effect.andThen(Effect.sleep("5 millis"), Effect.timed(store.get("other"))))
        )
        const ended = yield* store.deleteByUser("flood", ["flood1"])
        const latencies = (yield* Fiber.join(other)).map(([duration]) =>
          Duration.toMillis(duration)
        )
        assert.strictEqual(ended, 99_999)
        assert.deepStrictEqual((yield* store.listByUser("flood")).map((entry) => entry.key), ["flood1"])
        const slowLog = Effect.promise(() => admin.call("SLOWLOG", "GET", "10") as Promise<ReadonlyArray<unknown>>)
        assert.deepStrictEqual(yield* slowLog, [], "no command took 50 ms or more")
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
            "effect-login:u:control"
          )
        )
        // The control's own script is in the log (on a loaded machine another command may be too).
        const slow = (yield* slowLog) as ReadonlyArray<readonly [unknown, unknown, unknown, ReadonlyArray<string>]>
        assert.isTrue(
          slow.some((entry) => entry[3].some((arg) => arg.includes("SMEMBERS"))),
          `one command revoking all 100,000 sessions takes 50 ms or more: ${JSON.stringify(slow)}`
        )
      }),
    60_000
  )
})
