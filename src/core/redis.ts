/**
 * The Redis store's protocol, shared by both lines (no Effect): the key
 * layout (sessions and per-user index sets under one prefix, a user's keys
 * under the user's hash tag, so that they share a Redis Cluster slot), the
 * Lua scripts that make every operation atomic (compare-and-set, index
 * upkeep, batched revocation), their arguments, and how their replies read. Each
 * line's RedisStore.ts runs the scripts through the client, with its timeout,
 * outage log and span, and decodes the stored records with its Schema.
 *
 * @internal
 */
import * as userTag from "./userTag.js"

/** @internal */
export const defaultPrefix = "effect-login:"

/**
 * Where the client connects, for start-up and outage messages (`"Redis"` when it does not say).
 *
 * @internal
 */
export const nameOf = (client: { readonly options?: object | undefined; readonly isCluster?: boolean }): string => {
  if (client.isCluster === true) return "Redis Cluster"
  const { host, port } = (client.options ?? {}) as { readonly host?: unknown; readonly port?: unknown }
  return typeof host === "string" ? `Redis at ${host}:${typeof port === "number" ? port : 6379}` : "Redis"
}

/**
 * The key prefixes of sessions and of the per-user indexes.
 *
 * @internal
 */
export const keysOf = (prefix: string | undefined): { readonly sessions: string; readonly users: string } => {
  const base = prefix ?? defaultPrefix
  return { sessions: `${base}s:`, users: `${base}u:` }
}

// A session key made for a login ends with its user's tag in braces (src/core/userTag.ts).
const taggedKey = /\{[0-9a-f]{4}\}$/

/**
 * The index that lists a session under `key` for `userId`. A tagged key's
 * index starts with the user's tag in braces, so that on Redis Cluster the
 * index and the user's sessions share a slot. An untagged key (made by 0.1)
 * is listed in the index of 0.1, with no tag: `indexesOf` reads both.
 *
 * @internal
 */
export const indexOf = (users: string, key: string, userId: string): string =>
  taggedKey.test(key) ? `${users}{${userTag.of(userId)}}${userId}` : users + userId

/**
 * The indexes of a user: the tagged one, and the untagged one of 0.1.
 *
 * @internal
 */
export const indexesOf = (users: string, userId: string): ReadonlyArray<string> => [
  `${users}{${userTag.of(userId)}}${userId}`,
  users + userId
]

// The Lua twin of `indexOf`, for a user read from a stored record: KEYS[1] is the session key,
// `users` the index prefix. Under the same tag as KEYS[1], so in its slot, though not declared.
const indexFunction = `
local function index(users, userId)
  if string.find(KEYS[1], '{[0-9a-f][0-9a-f][0-9a-f][0-9a-f]}$') then
    return users .. '{' .. string.sub(redis.sha1hex(userId), 1, 4) .. '}' .. userId
  end
  return users .. userId
end`

// KEYS[1] session key, KEYS[2] the index of the session's user (when it has one); ARGV: expected
// version ("" = must be absent), value, ttl ms, member, user id ("" = none), index prefix
export const setScript = `${indexFunction}
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '' then
  if current then return 0 end
else
  if not current then return 0 end
  local ok, decoded = pcall(cjson.decode, current)
  if not ok or tostring(decoded.version) ~= ARGV[1] then return 0 end
  if decoded.userId and decoded.userId ~= ARGV[5] then redis.call('SREM', index(ARGV[6], decoded.userId), ARGV[4]) end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
if ARGV[5] ~= '' then
  redis.call('SADD', KEYS[2], ARGV[4])
  if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
end
return 1`

// KEYS[1] session key; returns [value, pttl] or nil
export const getScript = `
local value = redis.call('GET', KEYS[1])
if not value then return nil end
return { value, redis.call('PTTL', KEYS[1]) }`

// KEYS[1] session key; ARGV: member, index prefix
export const deleteScript = `${indexFunction}
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and decoded.userId then redis.call('SREM', index(ARGV[2], decoded.userId), ARGV[1]) end
  redis.call('DEL', KEYS[1])
end
return 1`

// KEYS[1] session key; ARGV: ttl ms, member, index prefix. The index lives as long as its longest
// session: a session that is only read must not outlive the index that lists and revokes it.
export const touchScript = `${indexFunction}
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
local ok, decoded = pcall(cjson.decode, value)
if ok and type(decoded.userId) == 'string' then
  local userIndex = index(ARGV[3], decoded.userId)
  redis.call('SADD', userIndex, ARGV[2])
  if redis.call('PTTL', userIndex) < tonumber(ARGV[1]) then redis.call('PEXPIRE', userIndex, ARGV[1]) end
end
return 1`

// KEYS[1] index; ARGV: session key prefix, cursor, batch size, then the members to keep; returns
// [next cursor, deleted]. One batch per call, so that revoking a huge index never blocks Redis for long.
export const deleteByUserScript = `
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
export const listScript = `
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

/**
 * A TTL in milliseconds from an expiry: at least 1, as Redis refuses 0.
 *
 * @internal
 */
export const ttlOf = (expiresAt: number, now: number): number => Math.max(1, expiresAt - now)

/**
 * The keys of `setScript`: the session's, and its user's index.
 *
 * @internal
 */
export const setKeys = (
  keys: { readonly sessions: string; readonly users: string },
  key: string,
  userId: string | undefined
): ReadonlyArray<string> =>
  userId === undefined ? [keys.sessions + key] : [keys.sessions + key, indexOf(keys.users, key, userId)]

/**
 * The arguments of `setScript`.
 *
 * @internal
 */
export const setArgs = (
  key: string,
  encoded: string,
  session: { readonly userId?: string | undefined; readonly expiresAt: number },
  expectedVersion: number | undefined,
  users: string,
  now: number
): ReadonlyArray<string | number> => [
  expectedVersion === undefined ? "" : String(expectedVersion),
  encoded,
  ttlOf(session.expiresAt, now),
  key,
  session.userId ?? "",
  users
]

/**
 * The arguments of one batch of `deleteByUserScript`.
 *
 * @internal
 */
export const deleteByUserArgs = (
  sessions: string,
  cursor: string,
  except: ReadonlyArray<string> | undefined
): ReadonlyArray<string | number> => [sessions, cursor, revocationBatch, ...(except ?? [])]

/**
 * One batch of revocation done: the next cursor (`undefined`: the last batch) and how many ended.
 *
 * @internal
 */
export const deleteByUserReply = (reply: unknown): { readonly next: string | undefined; readonly count: number } => {
  const [next, count] = Array.isArray(reply) ? reply : ["0", 0]
  return { next: String(next) === "0" ? undefined : String(next), count: Number(count) }
}

/**
 * A record's stored value and its expiry, read from Redis' TTL.
 *
 * @internal
 */
export interface Found {
  readonly value: unknown
  readonly expiresAt: number
}

/**
 * The reply of `getScript`.
 *
 * @internal
 */
export const getReply = (reply: unknown, now: number): Found | undefined =>
  Array.isArray(reply) ? { value: reply[0], expiresAt: now + Number(reply[1]) } : undefined

/**
 * The reply of `listScript`: each member's key, stored value and expiry.
 *
 * @internal
 */
export const listReply = (reply: unknown, now: number): Array<Found & { readonly key: string }> => {
  const out: Array<Found & { readonly key: string }> = []
  const items = Array.isArray(reply) ? reply : []
  for (let i = 0; i + 2 < items.length; i += 3) {
    out.push({ key: String(items[i]), value: items[i + 1], expiresAt: now + Number(items[i + 2]) })
  }
  return out
}
