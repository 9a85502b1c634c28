/**
 * A `SessionStore` in Redis, for applications that run on several instances:
 * keys with a TTL, a per-user index set for listing and revoking, and
 * compare-and-set writes in Lua scripts (atomic in Redis).
 *
 * It takes a client rather than making one, so effect-login has no runtime
 * dependency on a Redis library. ioredis' `Cluster` works too: a user's
 * records share one hash slot (docs/sessions-and-stores.md). With `ioredis`,
 * fail fast rather than queue while Redis is away:
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis"
 * import { RedisStore } from "@effect-login/effect4"
 *
 * const client = new Redis("redis://127.0.0.1:6379", {
 *   enableOfflineQueue: false,
 *   maxRetriesPerRequest: 1,
 *   commandTimeout: 500,
 *   // Connects when the store's Layer first uses it (`RedisStore.layer` waits until Redis answers).
 *   lazyConnect: true
 * })
 * export const StoreLive = RedisStore.layer(client)
 * ```
 *
 * @since 0.2.0
 */
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as redis from "../../src/core/redis.js"
import * as storeHealth from "./internal/storeHealth.js"
import * as LoginError from "./LoginError.js"
import * as SessionStore from "./SessionStore.js"

/**
 * What the store needs of a Redis client: `ioredis`' `Redis` and `Cluster` have it.
 *
 * @since 0.2.0
 * @category models
 */
export interface RedisClient {
  readonly eval: (script: string, numberOfKeys: number, ...args: Array<string | number>) => Promise<unknown>
  /** Where the client connects (`host`, `port`), when it says (ioredis does): named in start-up and outage messages. */
  readonly options?: object | undefined
  /** `true` for a Redis Cluster client (ioredis' `Cluster`): named so in start-up and outage messages. */
  readonly isCluster?: boolean
}

/**
 * Where the store keeps its keys, and how long a command may take.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options extends SessionStore.StartupOptions {
  /** Prefix of every key. Default `"effect-login:"`. */
  readonly prefix?: string | undefined
  /** A command that takes longer fails the request with 503. Default 1 second. */
  readonly timeout?: Duration.Input | undefined
}

const decodeStored = Schema.decodeUnknownOption(Schema.fromJsonString(SessionStore.StoredSession))
const encodeStored = Schema.encodeSync(Schema.fromJsonString(SessionStore.StoredSession))

/**
 * The Redis store over a client: every operation one Lua script (atomic), bounded by `timeout`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (client: RedisClient, options: Options = {}): SessionStore.SessionStore => {
  const keys = redis.keysOf(options.prefix)
  const { sessions, users } = keys
  const timeout = options.timeout ?? "1 second"
  const logged = storeHealth.outageLog(redis.nameOf(client))
  const run = (operation: string, script: string, keys: ReadonlyArray<string>, args: ReadonlyArray<string | number>) =>
    Effect.tryPromise({
      try: () => client.eval(script, keys.length, ...keys, ...args),
      catch: (cause) => new LoginError.SessionStoreError({ operation, cause })
    }).pipe(
      Effect.timeoutOrElse({
        duration: timeout,
        orElse: () => Effect.fail(new LoginError.SessionStoreError({ operation, cause: "timed out" }))
      }),
      logged,
      Effect.withSpan(`effect-login/RedisStore.${operation}`, undefined, { captureStackTrace: false })
    )
  // Expiry lives in Redis' TTL; the session's `expiresAt` is read back from it.
  const withTtl = (found: redis.Found) =>
    Option.map(decodeStored(found.value), (session) => ({ ...session, expiresAt: found.expiresAt }))
  return {
    get: (key) =>
      Effect.flatMap(
        run("get", redis.getScript, [sessions + key], []),
        (reply) =>
          Effect.map(Clock.currentTimeMillis, (now) => {
            const found = redis.getReply(reply, now)
            return found === undefined ? Option.none() : withTtl(found)
          })
      ),
    set: (key, session, expectedVersion) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.map(
          run(
            "set",
            redis.setScript,
            redis.setKeys(keys, key, session.userId),
            redis.setArgs(key, encodeStored(session), session, expectedVersion, users, now)
          ),
          (reply) => reply === 1
        )),
    touch: (key, expiresAt) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.asVoid(
          run("touch", redis.touchScript, [sessions + key], [redis.ttlOf(expiresAt, now), key, users])
        )),
    delete: (key) => Effect.asVoid(run("delete", redis.deleteScript, [sessions + key], [key, users])),
    // A user's sessions are in the tagged index, and those made by 0.1 in the untagged one.
    listByUser: (userId) =>
      Effect.flatMap(
        Effect.forEach(redis.indexesOf(users, userId), (index) =>
          run("listByUser", redis.listScript, [index], [sessions])),
        (replies) =>
          Effect.map(Clock.currentTimeMillis, (now) =>
            replies.flatMap((reply) =>
              redis.listReply(reply, now)
            ).flatMap((found) => {
              const session = withTtl(found)
              return Option.isSome(session) ? [{ key: found.key, session: session.value }] : []
            }))
      ),
    deleteByUser: (userId, except) => {
      const batch = (
        index: string,
        cursor: string,
        total: number
      ): Effect.Effect<number, LoginError.SessionStoreError> =>
        Effect.flatMap(
          run("deleteByUser", redis.deleteByUserScript, [index], redis.deleteByUserArgs(sessions, cursor, except)),
          (reply) => {
            const { count, next } = redis.deleteByUserReply(reply)
            return next === undefined ? Effect.succeed(total + count) : batch(index, next, total + count)
          }
        )
      return Effect.reduce(redis.indexesOf(users, userId), () => 0, (total, index) => batch(index, "0", total))
    }
  }
}

/**
 * The Redis store as the application's `SessionStore`, built once Redis has
 * answered (or at once with `startup: "degraded"`): an application never
 * announces itself and then answers 503 because its client was still connecting.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (
  client: RedisClient,
  options?: Options
): Layer.Layer<SessionStore.SessionStore, LoginError.SessionStoreError> =>
  Layer.effect(
    SessionStore.SessionStore,
    Effect.suspend(() => {
      const store = make(client, options)
      return Effect.as(storeHealth.awaitReady(redis.nameOf(client), store, options), store)
    })
  )
