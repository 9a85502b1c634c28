/**
 * A `SessionStore` in Redis, for applications that run on several instances:
 * keys with a TTL, a per-user index set for listing and revoking, and
 * compare-and-set writes in Lua scripts (atomic in Redis).
 *
 * It takes a client rather than making one, so effect-login has no runtime
 * dependency on a Redis library. With `ioredis`, fail fast rather than queue
 * while Redis is away:
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
import * as storeHealth from "./internal/storeHealth.js"
import * as LoginError from "./LoginError.js"
import * as SessionStore from "./SessionStore.js"

/**
 * What the store needs of a Redis client (`ioredis` has it).
 *
 * @since 0.2.0
 * @category models
 */
export interface RedisClient {
  readonly eval: (script: string, numberOfKeys: number, ...args: Array<string | number>) => Promise<unknown>
  /** Where the client connects, when it says (ioredis does): named in start-up and outage messages. */
  readonly options?: { readonly host?: string | undefined; readonly port?: number | undefined } | undefined
}

const nameOf = (client: RedisClient): string =>
  client.options?.host === undefined ? "Redis" : `Redis at ${client.options.host}:${client.options.port ?? 6379}`

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

// KEYS[1] session key; ARGV: expected version ("" = must be absent), value, ttl ms, member, user id ("" = none), index prefix
const setScript = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '' then
  if current then return 0 end
else
  if not current then return 0 end
  local ok, decoded = pcall(cjson.decode, current)
  if not ok or tostring(decoded.version) ~= ARGV[1] then return 0 end
  if decoded.userId and decoded.userId ~= ARGV[5] then redis.call('SREM', ARGV[6] .. decoded.userId, ARGV[4]) end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
if ARGV[5] ~= '' then
  local index = ARGV[6] .. ARGV[5]
  redis.call('SADD', index, ARGV[4])
  if redis.call('PTTL', index) < tonumber(ARGV[3]) then redis.call('PEXPIRE', index, ARGV[3]) end
end
return 1`

// KEYS[1] session key; returns [value, pttl] or nil
const getScript = `
local value = redis.call('GET', KEYS[1])
if not value then return nil end
return { value, redis.call('PTTL', KEYS[1]) }`

// KEYS[1] session key; ARGV: member, index prefix
const deleteScript = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and decoded.userId then redis.call('SREM', ARGV[2] .. decoded.userId, ARGV[1]) end
  redis.call('DEL', KEYS[1])
end
return 1`

// KEYS[1] session key; ARGV: ttl ms, member, index prefix. The index lives as long as its longest
// session: a session that is only read must not outlive the index that lists and revokes it.
const touchScript = `
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
local ok, decoded = pcall(cjson.decode, value)
if ok and type(decoded.userId) == 'string' then
  local index = ARGV[3] .. decoded.userId
  redis.call('SADD', index, ARGV[2])
  if redis.call('PTTL', index) < tonumber(ARGV[1]) then redis.call('PEXPIRE', index, ARGV[1]) end
end
return 1`

// KEYS[1] index; ARGV: session key prefix, cursor, batch size, then the members to keep; returns
// [next cursor, deleted]. One batch per call, so that revoking a huge index never blocks Redis for long.
const deleteByUserScript = `
local keep = {}
for i = 4, #ARGV do keep[ARGV[i]] = true end
local scan = redis.call('SSCAN', KEYS[1], ARGV[2], 'COUNT', ARGV[3])
local count = 0
for _, member in ipairs(scan[2]) do
  if not keep[member] then
    count = count + redis.call('UNLINK', ARGV[1] .. member)
    redis.call('SREM', KEYS[1], member)
  end
end
return { scan[1], count }`

/** Index members per call of the revocation script. */
const revocationBatch = 500

// KEYS[1] index; ARGV: session key prefix; returns [member, value, pttl, ...], dropping dead members
const listScript = `
local members = redis.call('SMEMBERS', KEYS[1])
local out = {}
for _, member in ipairs(members) do
  local value = redis.call('GET', ARGV[1] .. member)
  if value then
    table.insert(out, member)
    table.insert(out, value)
    table.insert(out, redis.call('PTTL', ARGV[1] .. member))
  else
    redis.call('SREM', KEYS[1], member)
  end
end
return out`

const decodeStored = Schema.decodeUnknownOption(Schema.fromJsonString(SessionStore.StoredSession))
const encodeStored = Schema.encodeSync(Schema.fromJsonString(SessionStore.StoredSession))

/**
 * The Redis store over a client: every operation one Lua script (atomic), bounded by `timeout`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (client: RedisClient, options: Options = {}): SessionStore.SessionStore => {
  const prefix = options.prefix ?? "effect-login:"
  const sessions = `${prefix}s:`
  const users = `${prefix}u:`
  const timeout = options.timeout ?? "1 second"
  const logged = storeHealth.outageLog(nameOf(client))
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
  const withTtl = (value: unknown, pttl: unknown, now: number) =>
    Option.map(decodeStored(value), (session) => ({ ...session, expiresAt: now + Number(pttl) }))
  return {
    get: (key) =>
      Effect.flatMap(
        run("get", getScript, [sessions + key], []),
        (reply) =>
          Effect.map(Clock.currentTimeMillis, (now) =>
            Array.isArray(reply) ? withTtl(reply[0], reply[1], now) : Option.none())
      ),
    set: (key, session, expectedVersion) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.map(
          run("set", setScript, [sessions + key], [
            expectedVersion === undefined ? "" : String(expectedVersion),
            encodeStored(session),
            Math.max(1, session.expiresAt - now),
            key,
            session.userId ?? "",
            users
          ]),
          (reply) => reply === 1
        )),
    touch: (key, expiresAt) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.asVoid(
          run("touch", touchScript, [sessions + key], [Math.max(1, expiresAt - now), key, users])
        )),
    delete: (key) => Effect.asVoid(run("delete", deleteScript, [sessions + key], [key, users])),
    listByUser: (userId) =>
      Effect.flatMap(
        run("listByUser", listScript, [users + userId], [sessions]),
        (reply) =>
          Effect.map(Clock.currentTimeMillis, (now) => {
            const out: Array<{ key: string; session: SessionStore.StoredSession }> = []
            const items = Array.isArray(reply) ? reply : []
            for (let i = 0; i + 2 < items.length; i += 3) {
              const session = withTtl(items[i + 1], items[i + 2], now)
              if (Option.isSome(session)) out.push({ key: String(items[i]), session: session.value })
            }
            return out
          })
      ),
    deleteByUser: (userId, except) => {
      const batch = (cursor: string, total: number): Effect.Effect<number, LoginError.SessionStoreError> =>
        Effect.flatMap(
          run("deleteByUser", deleteByUserScript, [users + userId], [
            sessions,
            cursor,
            revocationBatch,
            ...(except ?? [])
          ]),
          (reply) => {
            const [next, count] = Array.isArray(reply) ? reply : ["0", 0]
            const sum = total + Number(count)
            return String(next) === "0" ? Effect.succeed(sum) : batch(String(next), sum)
          }
        )
      return batch("0", 0)
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
      return Effect.as(storeHealth.awaitReady(nameOf(client), store, options), store)
    })
  )
