/**
 * The `SessionStore` over Effect's `KeyValueStore`: expiry checked on read,
 * writes serialized by this process, a per-user index kept as a JSON list
 * that forgets the sessions that ended unseen.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import * as Schema from "effect/Schema"
import * as Semaphore from "effect/Semaphore"
import { SessionStoreError } from "../LoginError.js"
import { type SessionStore, StoredSession } from "../SessionStore.js"

/** @internal */
export const make: Effect.Effect<SessionStore, never, KeyValueStore.KeyValueStore> = Effect.gen(function*() {
  // Made here, not when the module loads: SessionStore.ts imports this module.
  const decodeStored = Schema.decodeUnknownOption(Schema.fromJsonString(StoredSession))
  const encodeStored = Schema.encodeSync(Schema.fromJsonString(StoredSession))
  const decodeKeys = Schema.decodeUnknownOption(Schema.fromJsonString(Schema.Array(Schema.String)))
  const kv = yield* KeyValueStore.KeyValueStore
  const lock = yield* Semaphore.make(1)
  const sessionKey = (key: string) => `session-${key}`
  const userKey = (userId: string) => `user-${Buffer.from(userId, "utf8").toString("base64url")}`
  const fail = (operation: string) => (cause: unknown) => new SessionStoreError({ operation, cause })
  // Removing an absent key is not an error here, whatever the KeyValueStore makes of it.
  const remove = (key: string) => Effect.flatMap(kv.has(key), (present) => present ? kv.remove(key) : Effect.void)
  // Effect 4's KeyValueStore answers `undefined` for an absent key, not `Option.none()`.
  const read = (key: string) =>
    Effect.map(kv.get(sessionKey(key)), (value) => Option.flatMap(Option.fromUndefinedOr(value), decodeStored))
  const readIndex = (userId: string) =>
    Effect.map(
      kv.get(userKey(userId)),
      (value): ReadonlyArray<string> =>
        Option.getOrElse(Option.flatMap(Option.fromUndefinedOr(value), decodeKeys), () => [])
    )
  const writeIndex = (userId: string, keys: ReadonlyArray<string>) =>
    keys.length === 0 ? remove(userKey(userId)) : kv.set(userKey(userId), JSON.stringify(keys))
  const live = (key: string) =>
    Effect.flatMap(
      read(key),
      (session) => Effect.map(Clock.currentTimeMillis, (now) => Option.filter(session, (s) => s.expiresAt > now))
    )
  const store: SessionStore = {
    get: (key) => Effect.mapError(live(key), fail("get")),
    set: (key, session, expectedVersion) =>
      lock.withPermits(1)(Effect.gen(function*() {
        const current = yield* live(key)
        if (Option.getOrUndefined(current)?.version !== expectedVersion) return false
        const previousUser = Option.getOrUndefined(current)?.userId
        yield* kv.set(sessionKey(key), encodeStored(session))
        if (previousUser !== undefined && previousUser !== session.userId) {
          yield* writeIndex(previousUser, (yield* readIndex(previousUser)).filter((k) => k !== key))
        }
        if (session.userId !== undefined) {
          const keys = yield* readIndex(session.userId)
          if (!keys.includes(key)) {
            // A new member: the index forgets the sessions that ended unseen, so that it stays bounded.
            const alive = yield* Effect.filter(keys, (k) => Effect.map(live(k), Option.isSome))
            yield* writeIndex(session.userId, [...alive, key])
          }
        }
        return true
      })).pipe(Effect.mapError(fail("set"))),
    touch: (key, expiresAt) =>
      lock.withPermits(1)(Effect.flatMap(read(key), (current) =>
        Option.match(current, {
          onNone: () => Effect.void,
          onSome: (session) => kv.set(sessionKey(key), encodeStored({ ...session, expiresAt }))
        }))).pipe(Effect.mapError(fail("touch"))),
    delete: (key) =>
      lock.withPermits(1)(Effect.gen(function*() {
        const current = yield* read(key)
        yield* remove(sessionKey(key))
        const userId = Option.getOrUndefined(current)?.userId
        if (userId !== undefined) yield* writeIndex(userId, (yield* readIndex(userId)).filter((k) => k !== key))
      })).pipe(Effect.mapError(fail("delete"))),
    listByUser: (userId) =>
      lock.withPermits(1)(Effect.gen(function*() {
        const keys = yield* readIndex(userId)
        const found = yield* Effect.forEach(keys, (key) =>
          Effect.map(live(key), Option.map((session) => ({ key, session }))))
        const alive = found.flatMap((entry) =>
          Option.toArray(entry)
        )
        // A KeyValueStore has no expiry: the index forgets the sessions that ended unseen.
        if (alive.length < keys.length) {
          yield* writeIndex(
            userId,
            alive.map((s) => s.key)
          )
        }
        return alive
      })).pipe(Effect.mapError(fail("listByUser"))),
    deleteByUser: (userId, except = []) =>
      lock.withPermits(1)(Effect.gen(function*() {
        const keys = yield* readIndex(userId)
        const doomed = keys.filter((key) => !except.includes(key))
        let ended = 0
        for (const key of doomed) {
          if (Option.isSome(yield* live(key))) ended++
          yield* remove(sessionKey(key))
        }
        yield* writeIndex(userId, keys.filter((key) => except.includes(key)))
        return ended
      })).pipe(Effect.mapError(fail("deleteByUser")))
  }
  return store
})
