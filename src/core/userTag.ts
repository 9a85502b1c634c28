/**
 * The user tag, shared by both lines (no Effect): where a store that shards
 * by key keeps one user's records together. A session id or a remember
 * selector made for a login ends with its user's tag, and its store key ends
 * with the tag in braces. Redis Cluster hashes only what is between the
 * braces, so a user's sessions, series and index share one slot, and one
 * script can change them together.
 *
 * The tag is the first 4 hex digits of the SHA-1 of the user id, because
 * Redis' Lua computes the same with `redis.sha1hex` (a script finds a stored
 * user's index with it). It is a shard label, not a secret: nothing is
 * verified with it, and 65,536 tags spread over Redis' 16,384 slots.
 *
 * @internal
 */
import * as crypto from "./crypto.js"

/** The tag's length, in hex digits. */
export const length = 4

/**
 * The tag of a user.
 *
 * @internal
 */
export const of = (userId: string): string => crypto.sha1Hex(userId).slice(0, length)

/**
 * The tag a well-formed id carries: its last 4 characters when it is longer
 * than an untagged id (`plainLength`), `undefined` for an untagged one.
 *
 * @internal
 */
export const ofId = (id: string, plainLength: number): string | undefined =>
  id.length === plainLength + length ? id.slice(plainLength) : undefined

/**
 * What ends the store key of an id: its tag in braces (a Redis hash tag), or nothing.
 *
 * @internal
 */
export const keySuffix = (tag: string | undefined): string => tag === undefined ? "" : `{${tag}}`
