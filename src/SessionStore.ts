/**
 * Server-side sessions: the session cookie carries only a random id, and the
 * session lives in a store — so it can be listed, revoked on the server, and
 * shared by several instances. Stores here: in memory, any `KeyValueStore`
 * (memory, file system), and Redis (`RedisStore`).
 *
 * Ids are 256-bit random; a store only ever sees their SHA-256 hash, so a
 * leaked store dump cannot be replayed as cookies.
 *
 * @since 0.1.0
 */
import * as HttpServerRespondable from "@effect/platform/HttpServerRespondable"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * A session as a store keeps it. `data` is opaque to the store (the encoded
 * session); `userId` feeds the per-user index; `version` makes writes
 * compare-and-set, so that concurrent requests never lose each other's writes.
 *
 * @since 0.1.0
 * @category schemas
 */
export const StoredSession = Schema.Struct({
  data: Schema.String,
  userId: Schema.optionalWith(Schema.String, { exact: true }),
  version: Schema.Int,
  createdAt: Schema.Int,
  /** When the session ends unless used again: last use + the idle timeout, capped by the absolute one. */
  expiresAt: Schema.Int
})

/**
 * @since 0.1.0
 * @category models
 */
export interface StoredSession extends Schema.Schema.Type<typeof StoredSession> {}

/**
 * The store failed (unreachable, timed out). The request gets 503: never
 * "anonymous", never a hang, never a stack trace; the cause is logged.
 *
 * @since 0.1.0
 * @category errors
 */
export class SessionStoreError extends Data.TaggedError("SessionStoreError")<{
  readonly operation: string
  readonly cause: unknown
}> implements HttpServerRespondable.Respondable {
  override get message() {
    const cause = this.cause instanceof Error ? this.cause.message : String(this.cause)
    return `The session store failed (${this.operation}): ${cause}`
  }
  [HttpServerRespondable.symbol]() {
    return Effect.succeed(HttpServerResponse.text("Service Unavailable", { status: 503 }))
  }
}

/**
 * The operations every store implements; keys are hashed session ids.
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionStore {
  /** `None` when absent or expired. */
  readonly get: (key: string) => Effect.Effect<Option.Option<StoredSession>, SessionStoreError>
  /**
   * Writes `session` if the stored version is still `expectedVersion`
   * (`undefined`: only if absent). `false` when another write won.
   */
  readonly set: (
    key: string,
    session: StoredSession,
    expectedVersion: number | undefined
  ) => Effect.Effect<boolean, SessionStoreError>
  /**
   * Moves the expiry of a session that is only being used, not changed
   * (throttled by the caller). The user's index must outlive it too: listing
   * and revoking must never miss a live session.
   */
  readonly touch: (key: string, expiresAt: number) => Effect.Effect<void, SessionStoreError>
  readonly delete: (key: string) => Effect.Effect<void, SessionStoreError>
  /** The live sessions of a user. */
  readonly listByUser: (
    userId: string
  ) => Effect.Effect<ReadonlyArray<{ readonly key: string; readonly session: StoredSession }>, SessionStoreError>
  /** Deletes the sessions of a user, but those in `except`; returns how many. */
  readonly deleteByUser: (
    userId: string,
    except?: ReadonlyArray<string> | undefined
  ) => Effect.Effect<number, SessionStoreError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export const SessionStore: Context.Tag<SessionStore, SessionStore> = Context.GenericTag<SessionStore>(
  "effect-login/SessionStore"
)

/**
 * Asks `store` for a session that does not exist: it answers when it can serve.
 *
 * @since 0.2.0
 * @category health
 */
export const probe = (store: SessionStore): Effect.Effect<void, SessionStoreError> =>
  Effect.asVoid(store.get("health-check"))

/**
 * The application's store can serve: for a readiness endpoint.
 *
 * ```ts
 * import { HttpRouter, HttpServerResponse } from "@effect/platform"
 * import { Effect } from "effect"
 * import { SessionStore } from "effect-login"
 *
 * export const ready = HttpRouter.get(
 *   "/ready",
 *   SessionStore.healthCheck.pipe(
 *     Effect.as(HttpServerResponse.text("ready")),
 *     Effect.catchTag("SessionStoreError", () => HttpServerResponse.text("store unreachable", { status: 503 }))
 *   )
 * )
 * ```
 *
 * @since 0.2.0
 * @category health
 */
export const healthCheck: Effect.Effect<void, SessionStoreError, SessionStore> = Effect.flatMap(SessionStore, probe)

/**
 * How a store that talks to a server starts.
 *
 * @since 0.2.0
 * @category models
 */
export interface StartupOptions {
  /**
   * `"wait"` (the default): the store's Layer is built once the server has
   * answered, and fails past `startupTimeout` with what to check, so that an
   * application never announces itself and then answers 503. `"degraded"`:
   * built at once; requests that need a session answer 503 until the server
   * answers, public routes serve meanwhile.
   */
  readonly startup?: "wait" | "degraded" | undefined
  /** How long `"wait"` waits. Default 10 seconds. */
  readonly startupTimeout?: Duration.DurationInput | undefined
}

/**
 * An in-memory store: one instance only, bounded (past `maxSessions` the
 * oldest session is dropped, in constant time), expiry driven by `Clock`.
 * Only logins and remember tokens are stored: a session without a login lives
 * in its cookie.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory = (options: { readonly maxSessions?: number | undefined } = {}): SessionStore => {
  const maxSessions = options.maxSessions ?? 100_000
  const sessions = new Map<string, StoredSession>()
  const byUser = new Map<string, Set<string>>()
  const unindex = (key: string, session: StoredSession | undefined) => {
    if (session?.userId === undefined) return
    const keys = byUser.get(session.userId)
    keys?.delete(key)
    if (keys?.size === 0) byUser.delete(session.userId)
  }
  const remove = (key: string) => {
    unindex(key, sessions.get(key))
    sessions.delete(key)
  }
  const live = (key: string, now: number) => {
    const session = sessions.get(key)
    if (session !== undefined && session.expiresAt <= now) {
      remove(key)
      return undefined
    }
    return session
  }
  return {
    get: (key) => Effect.map(Clock.currentTimeMillis, (now) => Option.fromNullable(live(key, now))),
    set: (key, session, expectedVersion) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const current = live(key, now)
        if (current?.version !== expectedVersion) return false
        unindex(key, current)
        sessions.set(key, session)
        if (session.userId !== undefined) {
          const keys = byUser.get(session.userId) ?? new Set()
          byUser.set(session.userId, keys.add(key))
        }
        if (sessions.size > maxSessions) {
          // Bounded, in constant time: the oldest session goes (a Map keeps the order of creation).
          remove(sessions.keys().next().value!)
        }
        return true
      }),
    touch: (key, expiresAt) =>
      Effect.sync(() => {
        const current = sessions.get(key)
        if (current !== undefined) sessions.set(key, { ...current, expiresAt })
      }),
    delete: (key) => Effect.sync(() => remove(key)),
    listByUser: (userId) =>
      Effect.map(Clock.currentTimeMillis, (now) =>
        Array.from(byUser.get(userId) ?? []).flatMap((key) => {
          const session = live(key, now)
          return session === undefined ? [] : [{ key, session }]
        })),
    deleteByUser: (userId, except = []) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const keys = Array.from(byUser.get(userId) ?? []).filter((key) => !except.includes(key))
        const ended = keys.filter((key) => live(key, now) !== undefined).length
        keys.forEach(remove)
        return ended
      })
  }
}

/**
 * The in-memory store as the application's `SessionStore`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (options: { readonly maxSessions?: number | undefined } = {}): Layer.Layer<SessionStore> =>
  Layer.sync(SessionStore, () => makeMemory(options))

const decodeStored = Schema.decodeUnknownOption(Schema.parseJson(StoredSession))
const encodeStored = Schema.encodeSync(Schema.parseJson(StoredSession))
const decodeKeys = Schema.decodeUnknownOption(Schema.parseJson(Schema.Array(Schema.String)))

/**
 * A store over the `KeyValueStore` of the environment.
 *
 * A store over `@effect/platform`'s `KeyValueStore` (`layerMemory`,
 * `layerFileSystem`…). A KeyValueStore has no expiry and no atomic update:
 * expiry is checked on read, and writes are serialized by this process, so it
 * suits one instance.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeKeyValueStore = Effect.gen(function*() {
  const kv = yield* KeyValueStore.KeyValueStore
  const lock = yield* Effect.makeSemaphore(1)
  const sessionKey = (key: string) => `session-${key}`
  const userKey = (userId: string) => `user-${Buffer.from(userId, "utf8").toString("base64url")}`
  const fail = (operation: string) => (cause: unknown) => new SessionStoreError({ operation, cause })
  // Removing an absent key is not an error here (the file system store says NotFound).
  const remove = (key: string) => Effect.flatMap(kv.has(key), (present) => present ? kv.remove(key) : Effect.void)
  const read = (key: string) => Effect.map(kv.get(sessionKey(key)), Option.flatMap(decodeStored))
  const readIndex = (userId: string) =>
    Effect.map(
      kv.get(userKey(userId)),
      (value): ReadonlyArray<string> => Option.getOrElse(Option.flatMap(value, decodeKeys), () => [])
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
        const alive = found.flatMap(Option.toArray)
        // A KeyValueStore has no expiry: the index forgets the sessions that ended unseen.
        if (alive.length < keys.length) {
          yield* writeIndex(
            userId,
            alive.map((s) =>
              s.key
            )
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

/**
 * The KeyValueStore store as the application's `SessionStore`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerKeyValueStore: Layer.Layer<SessionStore, never, KeyValueStore.KeyValueStore> = Layer.effect(
  SessionStore,
  makeKeyValueStore
)

/**
 * When server-side sessions expire, and how often their expiry moves.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExpiryOptions {
  /** A session unused this long ends. Default 2 hours. */
  readonly idleTimeout?: Duration.DurationInput | undefined
  /** A session ends this long after it began, however busy. Default 7 days. */
  readonly absoluteTimeout?: Duration.DurationInput | undefined
  /** A session that is only read is touched at most this often. Default 1 minute. */
  readonly touchInterval?: Duration.DurationInput | undefined
}

/**
 * The expiry policy, in milliseconds, checked: the touch interval is shorter
 * than the idle timeout, which is not longer than the absolute timeout.
 *
 * @since 0.1.0
 * @category constructors
 */
export const expiryPolicy = (
  options: ExpiryOptions = {}
): Either.Either<ExpiryPolicy, string> => {
  const idle = Duration.toMillis(options.idleTimeout ?? "2 hours")
  const absolute = Duration.toMillis(options.absoluteTimeout ?? "7 days")
  const touch = Duration.toMillis(options.touchInterval ?? "1 minute")
  if (!(idle > 0 && absolute > 0 && touch >= 0)) return Either.left("timeouts must be positive")
  if (idle > absolute) return Either.left("the idle timeout must not exceed the absolute timeout")
  if (touch >= idle) return Either.left("the touch interval must be shorter than the idle timeout")
  return Either.right({ idle, absolute, touch })
}

/**
 * The expiry policy, in milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExpiryPolicy {
  readonly idle: number
  readonly absolute: number
  readonly touch: number
}
