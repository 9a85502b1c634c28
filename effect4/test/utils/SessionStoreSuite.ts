/**
 * The conformance suite of a `SessionStore`: every store of this project
 * passes it, and a third-party store can run it too:
 *
 *     import { suite } from "./utils/SessionStoreSuite.js" // or copy this file
 *     suite("my store", MyStoreLayer, { advance: (millis) => TestClock.adjust(millis) })
 */
import * as SessionStore from "@effect-login/effect4/SessionStore"
import { assert, describe, it } from "@effect/vitest"
import type { Layer } from "effect"
import { Clock, Effect, Option } from "effect"
import * as storePersistence from "../../../src/core/storePersistence.js"
import * as rememberSeries from "../../src/internal/rememberSeries.js"

export interface SuiteOptions<R = never> {
  /**
   * Moves time forward by `millis` as the store sees it: the TestClock, and
   * for a store whose server keeps its own clock (Redis' TTLs), that clock
   * too (test/utils/redis.ts `ageKeys`), so that no case waits.
   */
  readonly advance: (millis: number) => Effect.Effect<void, never, R>
  /** Runs the cases one at a time: for a store the cases share, where `advance` ages every case's keys. */
  readonly sequential?: boolean
  /**
   * The store keeps each user's records together by the user's tag in their
   * keys (Redis Cluster): a key moved to another user is refused, where
   * other stores follow it into the other user's index.
   */
  readonly sharded?: boolean
}

const session = (now: number, overrides: Partial<SessionStore.StoredSession> = {}): SessionStore.StoredSession => ({
  data: "{\"id\":\"x\",\"issuedAt\":0}",
  version: 0,
  createdAt: now,
  expiresAt: now + 60_000,
  ...overrides
})

export const suite = <E, R = never>(
  name: string,
  layer: Layer.Layer<SessionStore.SessionStore | R, E>,
  options: SuiteOptions<R>
) => {
  const run = <A, E2>(body: (store: SessionStore.SessionStore, now: number) => Effect.Effect<A, E2, R>) =>
    Effect.gen(function*() {
      const store = yield* SessionStore.SessionStore
      return yield* body(store, yield* Clock.currentTimeMillis)
    }).pipe(
      // A store of its own per test, as each Effect.provide built in Effect 3 (Effect 4 shares Layers between them).
      Effect.provide(layer, { local: true })
    )
  // Keys and users unique per test, so that tests sharing a store do not meet.
  let n = 0
  const fresh = () => `${name.replace(/\W/g, "")}-${Date.now()}-${n++}`
  // A store key as the manager makes one: a new one at each login, with its user's tag (src/core/userTag.ts),
  // so that a key belongs to one user for its life and a sharded store keeps it with the user's index.
  const keyFor = (userId?: string) => storePersistence.newId(userId).key
  describe(`SessionStore suite: ${name}`, options.sequential === true ? { concurrent: false } : {}, () => {
    it.effect("probe: a store that can serve answers it, as healthCheck does", () =>
      run((store) =>
        Effect.gen(function*() {
          yield* SessionStore.probe(store)
          yield* SessionStore.healthCheck.pipe(Effect.provideService(SessionStore.SessionStore, store))
        })
      ))

    it.effect("get of an absent session is None", () =>
      run((store) => Effect.map(store.get(fresh()), (found) => assert.isTrue(Option.isNone(found)))))

    it.effect("set then get", () =>
      run((store, now) =>
        Effect.gen(function*() {
          const key = keyFor("u1")
          assert.isTrue(yield* store.set(key, session(now, { userId: "u1" }), undefined))
          const found = yield* store.get(key)
          assert.isTrue(Option.isSome(found))
          const got = Option.getOrThrow(found)
          assert.strictEqual(got.data, session(now).data)
          assert.strictEqual(got.userId, "u1")
          assert.strictEqual(got.version, 0)
          // Expiry is kept to the second (a server's TTL may round).
          assert.isAtMost(Math.abs(got.expiresAt - (now + 60_000)), 1_000)
        })
      ))

    it.effect("set is compare-and-set on the version", () =>
      run((store, now) =>
        Effect.gen(function*() {
          const key = fresh()
          assert.isTrue(yield* store.set(key, session(now), undefined))
          assert.isFalse(yield* store.set(key, session(now), undefined), "create over an existing session")
          assert.isFalse(yield* store.set(key, session(now, { version: 2, data: "lost" }), 1), "stale version")
          assert.isTrue(yield* store.set(key, session(now, { version: 1, data: "won" }), 0))
          assert.strictEqual(Option.getOrThrow(yield* store.get(key)).data, "won")
          assert.isFalse(yield* store.set(fresh(), session(now), 0), "update of an absent session")
        })
      ))

    it.effect("expires, and touch moves the expiry", () =>
      run((store, now) =>
        Effect.gen(function*() {
          const short = fresh()
          const touched = fresh()
          yield* store.set(short, session(now, { expiresAt: now + 400 }), undefined)
          yield* store.set(touched, session(now, { expiresAt: now + 400 }), undefined)
          yield* store.touch(touched, now + 60_000)
          yield* options.advance(700)
          assert.isTrue(Option.isNone(yield* store.get(short)))
          assert.isTrue(Option.isSome(yield* store.get(touched)))
        })
      ))

    it.effect("delete", () =>
      run((store, now) =>
        Effect.gen(function*() {
          const user = fresh()
          const key = keyFor(user)
          yield* store.set(key, session(now, { userId: user }), undefined)
          yield* store.delete(key)
          assert.isTrue(Option.isNone(yield* store.get(key)))
          assert.deepStrictEqual(yield* store.listByUser(user), [])
          yield* store.delete(fresh())
        })
      ))

    it.effect("list by user; a session that leaves its login leaves the index", () =>
      run((store, now) =>
        Effect.gen(function*() {
          const [alice, bob] = [fresh(), fresh()]
          const [a, b, c] = [keyFor(alice), keyFor(alice), keyFor(bob)]
          yield* store.set(a, session(now, { userId: alice }), undefined)
          yield* store.set(b, session(now, { userId: alice }), undefined)
          yield* store.set(c, session(now, { userId: bob }), undefined)
          assert.deepStrictEqual((yield* store.listByUser(alice)).map((s) => s.key).sort(), [a, b].sort())
          // Session b loses its login under the same key (the manager gives it a new key; a store must not rely on it).
          yield* store.set(b, session(now, { version: 1 }), 0)
          assert.deepStrictEqual((yield* store.listByUser(alice)).map((s) => s.key), [a])
          assert.deepStrictEqual((yield* store.listByUser(bob)).map((s) => s.key), [c])
          assert.isTrue(Option.isSome(yield* store.get(b)))
          assert.deepStrictEqual(yield* store.listByUser(fresh()), [])
        })
      ))

    it.effect("a session moved to another user under the same key: followed, or refused by a sharded store", () =>
      run((store, now) =>
        Effect.gen(function*() {
          const [alice, bob] = [fresh(), fresh()]
          const [a, b, c] = [keyFor(alice), keyFor(alice), keyFor(bob)]
          yield* store.set(a, session(now, { userId: alice }), undefined)
          yield* store.set(b, session(now, { userId: alice }), undefined)
          yield* store.set(c, session(now, { userId: bob }), undefined)
          // A login as another user on the same key (the manager gives a login a new key; a store must not rely on it).
          const moved = yield* Effect.result(store.set(b, session(now, { userId: bob, version: 1 }), 0))
          if (options.sharded === true) {
            assert.strictEqual(moved._tag, "Failure", "refused: never listed under the wrong user")
            assert.deepStrictEqual((yield* store.listByUser(alice)).map((s) => s.key).sort(), [a, b].sort())
            assert.deepStrictEqual((yield* store.listByUser(bob)).map((s) => s.key), [c])
          } else {
            assert.deepStrictEqual((yield* store.listByUser(alice)).map((s) => s.key), [a])
            assert.deepStrictEqual((yield* store.listByUser(bob)).map((s) => s.key).sort(), [b, c].sort())
          }
        })
      ))

    it.effect("a session that is only touched stays listed and revocable after its first expiry", () =>
      run((store, now) =>
        Effect.gen(function*() {
          const user = fresh()
          const [key, other] = [keyFor(user), keyFor(user)]
          yield* store.set(key, session(now, { userId: user, expiresAt: now + 400 }), undefined)
          yield* store.set(other, session(now, { userId: user, expiresAt: now + 400 }), undefined)
          yield* store.touch(key, now + 60_000)
          yield* options.advance(700)
          assert.deepStrictEqual((yield* store.listByUser(user)).map((s) => s.key), [key])
          assert.strictEqual(yield* store.deleteByUser(user), 1, "the expired one is not counted")
          assert.isTrue(Option.isNone(yield* store.get(key)))
          assert.deepStrictEqual(yield* store.listByUser(user), [])
        })
      ))

    it.effect("delete by user, but several", () =>
      run((store, now) =>
        Effect.gen(function*() {
          const user = fresh()
          const [a, b, c] = [keyFor(user), keyFor(user), keyFor(user)]
          for (const key of [a, b, c]) yield* store.set(key, session(now, { userId: user }), undefined)
          assert.strictEqual(yield* store.deleteByUser(user, [a, c, fresh()]), 1)
          assert.deepStrictEqual((yield* store.listByUser(user)).map((s) => s.key).sort(), [a, c].sort())
        })
      ))

    it.effect("delete by user, but one", () =>
      run((store, now) =>
        Effect.gen(function*() {
          const [alice, bob] = [fresh(), fresh()]
          const [a, b, c, other] = [keyFor(alice), keyFor(alice), keyFor(alice), keyFor(bob)]
          for (const key of [a, b, c]) yield* store.set(key, session(now, { userId: alice }), undefined)
          yield* store.set(other, session(now, { userId: bob }), undefined)
          assert.strictEqual(yield* store.deleteByUser(alice, [a]), 2)
          assert.deepStrictEqual((yield* store.listByUser(alice)).map((s) => s.key), [a])
          assert.isTrue(Option.isNone(yield* store.get(b)))
          assert.strictEqual(yield* store.deleteByUser(alice), 1)
          assert.isTrue(Option.isNone(yield* store.get(a)))
          assert.isTrue(Option.isSome(yield* store.get(other)))
        })
      ))

    // Remember-me series are records of the store like sessions (src/internal/rememberSeries.ts):
    // these cases run the series' operations over this store. `now` is passed explicitly, so that
    // the grace window can be left without waiting, even on a store with its own clock.
    describe("remember series", () => {
      const login = (userId: string) => ({ userId, stamp: "st", userAgent: "Suite/1.0" })
      const presented = (value: string) => rememberSeries.parse(value)!

      it.effect("a use rotates the validator and never extends the series' expiry", () =>
        run((store, now) =>
          Effect.gen(function*() {
            const user = fresh()
            const issued = yield* rememberSeries.create(store, login(user), now, 60_000)
            const first = yield* rememberSeries.use(store, presented(issued.value), now + 1_000)
            assert.strictEqual(first._tag, "Accepted")
            if (first._tag !== "Accepted") return
            assert.strictEqual(first.userId, user)
            assert.strictEqual(first.stamp, "st")
            const next = first.rotated!
            assert.notStrictEqual(next.value, issued.value)
            assert.strictEqual(next.value.split(".")[0], issued.value.split(".")[0], "same series")
            assert.isAtMost(Math.abs(next.expiresAt - issued.expiresAt), 1_000, "the expiry did not move")
            const second = yield* rememberSeries.use(store, presented(next.value), now + 2_000)
            assert.strictEqual(second._tag === "Accepted" ? second.userId : undefined, user)
          })
        ))

      it.effect("the validator rotated away: accepted in the grace window, then theft ends the user's everything", () =>
        run((store, now) =>
          Effect.gen(function*() {
            const user = fresh()
            const sessionKey = keyFor(user)
            yield* store.set(sessionKey, session(now, { userId: user }), undefined)
            const issued = yield* rememberSeries.create(store, login(user), now, 60_000)
            const used = yield* rememberSeries.use(store, presented(issued.value), now)
            const rotated = used._tag === "Accepted" ? used.rotated! : undefined
            const concurrent = yield* rememberSeries.use(store, presented(issued.value), now + 1_000)
            assert.deepStrictEqual(
              concurrent,
              rememberSeries.Use.Accepted({ userId: user, stamp: "st", rotated: undefined }),
              "a concurrent request of the same browser: in, without a new cookie"
            )
            const late = now + rememberSeries.graceMillis + 1
            assert.deepStrictEqual(
              yield* rememberSeries.use(store, presented(issued.value), late),
              rememberSeries.Use.Reused({ userId: user })
            )
            assert.deepStrictEqual(yield* store.listByUser(user), [], "every session and series of the user ended")
            assert.isTrue(Option.isNone(yield* store.get(sessionKey)))
            assert.strictEqual((yield* rememberSeries.use(store, presented(rotated!.value), late))._tag, "Unknown")
          })
        ))

      it.effect("a validator that never was the series' is theft too", () =>
        run((store, now) =>
          Effect.gen(function*() {
            const user = fresh()
            const issued = yield* rememberSeries.create(store, login(user), now, 60_000)
            const forged = `${issued.value.split(".")[0]}.${"A".repeat(43)}`
            assert.strictEqual((yield* rememberSeries.use(store, presented(forged), now))._tag, "Reused")
            assert.strictEqual((yield* rememberSeries.use(store, presented(issued.value), now))._tag, "Unknown")
          })
        ))

      it.effect("revoked, or expired, a series is unknown", () =>
        run((store, now) =>
          Effect.gen(function*() {
            const revoked = yield* rememberSeries.create(store, login(fresh()), now, 60_000)
            yield* rememberSeries.revoke(store, presented(revoked.value).selector)
            assert.strictEqual((yield* rememberSeries.use(store, presented(revoked.value), now))._tag, "Unknown")
            const short = yield* rememberSeries.create(store, login(fresh()), now, 400)
            yield* options.advance(700)
            assert.strictEqual((yield* rememberSeries.use(store, presented(short.value), now + 700))._tag, "Unknown")
          })
        ))

      it.effect("series are listed and revoked with the user's sessions", () =>
        run((store, now) =>
          Effect.gen(function*() {
            const user = fresh()
            const sessionKey = keyFor(user)
            yield* store.set(sessionKey, session(now, { userId: user }), undefined)
            const kept = yield* rememberSeries.create(store, login(user), now, 60_000)
            const other = yield* rememberSeries.create(store, login(user), now, 60_000)
            const keptKey = rememberSeries.keyOf(presented(kept.value).selector)
            const listed = yield* store.listByUser(user)
            assert.strictEqual(listed.length, 3)
            const series = listed.filter((entry) => rememberSeries.isSeriesKey(entry.key))
            assert.strictEqual(series.length, 2)
            assert.deepStrictEqual(rememberSeries.describe(series[0]!.session), { usedAt: now, userAgent: "Suite/1.0" })
            assert.strictEqual(yield* store.deleteByUser(user, [sessionKey, keptKey]), 1)
            assert.strictEqual((yield* rememberSeries.use(store, presented(other.value), now))._tag, "Unknown")
            assert.strictEqual((yield* rememberSeries.use(store, presented(kept.value), now))._tag, "Accepted")
          })
        ))
    })
  })
}
