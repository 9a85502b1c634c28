/**
 * Server-side sessions: the session cookie carries only a random id, and the
 * session lives in a store — so it can be listed, revoked on the server, and
 * shared by several instances. Stores here: in memory, any `KeyValueStore`
 * (memory, file system), and Redis (`RedisStore`).
 *
 * Ids are 256-bit random; a store only ever sees their SHA-256 hash, so a
 * leaked store dump cannot be replayed as cookies.
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as KeyValueStore from "effect/persistence/KeyValueStore"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as keyValueStore from "./internal/keyValueStore.js"
import * as memoryStore from "./internal/memoryStore.js"
import type { SessionStoreError } from "./LoginError.js"

/**
 * A session as a store keeps it. `data` is opaque to the store (the encoded
 * session); `userId` feeds the per-user index; `version` makes writes
 * compare-and-set, so that concurrent requests never lose each other's writes.
 *
 * @since 0.2.0
 * @category schemas
 */
export const StoredSession = Schema.Struct({
  data: Schema.String,
  userId: Schema.optionalKey(Schema.String),
  version: Schema.Int,
  createdAt: Schema.Int,
  /** When the session ends unless used again: last use + the idle timeout, capped by the absolute one. */
  expiresAt: Schema.Int
})

/**
 * A session as a store keeps it (the type of the `StoredSession` schema).
 *
 * @since 0.2.0
 * @category models
 */
export interface StoredSession extends Schema.Schema.Type<typeof StoredSession> {}

/**
 * The operations every store implements; keys are hashed session ids.
 *
 * @since 0.2.0
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
 * The key of the `SessionStore` service.
 *
 * @since 0.2.0
 * @category services
 */
export const SessionStore: Context.Service<SessionStore, SessionStore> = Context.Service<SessionStore>(
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
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { HttpRouter, HttpServerResponse } from "effect/http"
 * import { SessionStore } from "@effect-login/effect4"
 *
 * export const ready = HttpRouter.add(
 *   "GET",
 *   "/ready",
 *   SessionStore.healthCheck.pipe(
 *     Effect.as(HttpServerResponse.text("ready")),
 *     Effect.catchTag("SessionStoreError", () =>
 *       Effect.succeed(HttpServerResponse.text("store unreachable", { status: 503 })))
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
  readonly startupTimeout?: Duration.Input | undefined
}

/**
 * An in-memory store: one instance only, bounded (past `maxSessions` the
 * oldest session is dropped, in constant time), expiry driven by `Clock`.
 * Only logins and remember tokens are stored: a session without a login lives
 * in its cookie.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeMemory: (options?: { readonly maxSessions?: number | undefined }) => SessionStore = memoryStore.make

/**
 * The in-memory store as the application's `SessionStore`.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemory = (options: { readonly maxSessions?: number | undefined } = {}): Layer.Layer<SessionStore> =>
  Layer.sync(SessionStore, () => makeMemory(options))

/**
 * A store over the `KeyValueStore` of the environment.
 *
 * A store over Effect's `KeyValueStore` (`effect/persistence/KeyValueStore`: `layerMemory`,
 * `layerFileSystem`…). A KeyValueStore has no expiry and no atomic update:
 * expiry is checked on read, and writes are serialized by this process, so it
 * suits one instance.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeKeyValueStore: Effect.Effect<SessionStore, never, KeyValueStore.KeyValueStore> = keyValueStore.make

/**
 * The KeyValueStore store as the application's `SessionStore`.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerKeyValueStore: Layer.Layer<SessionStore, never, KeyValueStore.KeyValueStore> = Layer.effect(
  SessionStore,
  makeKeyValueStore
)

/**
 * When server-side sessions expire, and how often their expiry moves.
 *
 * @since 0.2.0
 * @category models
 */
export interface ExpiryOptions {
  /** A session unused this long ends. Default 2 hours. */
  readonly idleTimeout?: Duration.Input | undefined
  /** A session ends this long after it began, however busy. Default 7 days. */
  readonly absoluteTimeout?: Duration.Input | undefined
  /** A session that is only read is touched at most this often. Default 1 minute. */
  readonly touchInterval?: Duration.Input | undefined
}

/**
 * The expiry policy, in milliseconds, checked: the touch interval is shorter
 * than the idle timeout, which is not longer than the absolute timeout.
 *
 * @since 0.2.0
 * @category constructors
 */
export const expiryPolicy = (
  options: ExpiryOptions = {}
): Result.Result<ExpiryPolicy, string> => {
  const idle = Duration.toMillis(options.idleTimeout ?? "2 hours")
  const absolute = Duration.toMillis(options.absoluteTimeout ?? "7 days")
  const touch = Duration.toMillis(options.touchInterval ?? "1 minute")
  if (!(idle > 0 && absolute > 0 && touch >= 0)) return Result.fail("timeouts must be positive")
  if (idle > absolute) return Result.fail("the idle timeout must not exceed the absolute timeout")
  if (touch >= idle) return Result.fail("the touch interval must be shorter than the idle timeout")
  return Result.succeed({ idle, absolute, touch })
}

/**
 * The expiry policy, in milliseconds.
 *
 * @since 0.2.0
 * @category models
 */
export interface ExpiryPolicy {
  readonly idle: number
  readonly absolute: number
  readonly touch: number
}
