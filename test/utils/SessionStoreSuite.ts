/**
 * The conformance suite of a `SessionStore`: every store of this project
 * passes it, and a third-party store can run it too:
 *
 *     import { suite } from "effect-login/test/utils/SessionStoreSuite" // or copy this file
 *     suite("my store", MyStoreLayer, { advance: (ms) => TestClock.adjust(ms) })
 */
import { assert, describe, it } from "@effect/vitest"
import type { Layer } from "effect"
import { Clock, Effect, Option } from "effect"
import { SessionStore } from "effect-login"

export interface SuiteOptions {
  /** Moves time forward by `millis` as the store sees it (TestClock, or a real sleep for stores with their own clock). */
  readonly advance: (millis: number) => Effect.Effect<void>
  /** Run on the real clock (stores whose expiry is enforced by a server). */
  readonly live?: boolean
}

const session = (now: number, overrides: Partial<SessionStore.StoredSession> = {}): SessionStore.StoredSession => ({
  data: "{\"id\":\"x\",\"issuedAt\":0}",
  version: 0,
  createdAt: now,
  expiresAt: now + 60_000,
  ...overrides
})

export const suite = <E>(name: string, layer: Layer.Layer<SessionStore.SessionStore, E>, options: SuiteOptions) => {
  const test = options.live === true ? it.live : it.effect
  const run = <A, E2>(body: (store: SessionStore.SessionStore, now: number) => Effect.Effect<A, E2>) =>
    Effect.gen(function*() {
      const store = yield* SessionStore.SessionStore
      return yield* body(store, yield* Clock.currentTimeMillis)
    }).pipe(Effect.provide(layer))
  // Keys and users unique per test, so that tests sharing a store do not meet.
  let n = 0
  const fresh = () => `${name.replace(/\W/g, "")}-${Date.now()}-${n++}`

  describe(`SessionStore suite: ${name}`, () => {
    test("get of an absent session is None", () =>
      run((store) => Effect.map(store.get(fresh()), (found) => assert.isTrue(Option.isNone(found)))))

    test("set then get", () =>
      run((store, now) =>
        Effect.gen(function*() {
          const key = fresh()
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

    test("set is compare-and-set on the version", () =>
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

    test("expires, and touch moves the expiry", () =>
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

    test("delete", () =>
      run((store, now) =>
        Effect.gen(function*() {
          const key = fresh()
          const user = fresh()
          yield* store.set(key, session(now, { userId: user }), undefined)
          yield* store.delete(key)
          assert.isTrue(Option.isNone(yield* store.get(key)))
          assert.deepStrictEqual(yield* store.listByUser(user), [])
          yield* store.delete(fresh())
        })
      ))

    test("list by user, and the index follows a session's user", () =>
      run((store, now) =>
        Effect.gen(function*() {
          const [a, b, c] = [fresh(), fresh(), fresh()]
          const [alice, bob] = [fresh(), fresh()]
          yield* store.set(a, session(now, { userId: alice }), undefined)
          yield* store.set(b, session(now, { userId: alice }), undefined)
          yield* store.set(c, session(now, { userId: bob }), undefined)
          assert.deepStrictEqual((yield* store.listByUser(alice)).map((s) => s.key).sort(), [a, b].sort())
          // Session b now belongs to bob (a login as another user on the same key).
          yield* store.set(b, session(now, { userId: bob, version: 1 }), 0)
          assert.deepStrictEqual((yield* store.listByUser(alice)).map((s) => s.key), [a])
          assert.deepStrictEqual((yield* store.listByUser(bob)).map((s) => s.key).sort(), [b, c].sort())
          assert.deepStrictEqual(yield* store.listByUser(fresh()), [])
        })
      ))

    test("a session that is only touched stays listed and revocable after its first expiry", () =>
      run((store, now) =>
        Effect.gen(function*() {
          const [key, other] = [fresh(), fresh()]
          const user = fresh()
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

    test("delete by user, but several", () =>
      run((store, now) =>
        Effect.gen(function*() {
          const [a, b, c] = [fresh(), fresh(), fresh()]
          const user = fresh()
          for (const key of [a, b, c]) yield* store.set(key, session(now, { userId: user }), undefined)
          assert.strictEqual(yield* store.deleteByUser(user, [a, c, fresh()]), 1)
          assert.deepStrictEqual((yield* store.listByUser(user)).map((s) => s.key).sort(), [a, c].sort())
        })
      ))

    test("delete by user, but one", () =>
      run((store, now) =>
        Effect.gen(function*() {
          const [a, b, c, other] = [fresh(), fresh(), fresh(), fresh()]
          const [alice, bob] = [fresh(), fresh()]
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
  })
}
