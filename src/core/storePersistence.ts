/**
 * The decisions of server-side sessions, shared by both lines (no Effect):
 * what the session cookie holds (a well-formed id, or a signed session
 * without a login), the store key of an id (its SHA-256: the store never
 * holds an id), a record's expiry (idle, capped by the absolute lifetime) and
 * when a read moves it (a touch), which of a user's sessions a cap ends, and
 * what a request's change does at commit (nothing, a touch, a new identity,
 * an update, or leaving the store). Each line's storePersistence.ts runs the
 * store calls and writes the cookie.
 *
 * @internal
 */
import * as cookieHeader from "./cookieHeader.js"
import * as crypto from "./crypto.js"
import { isEmpty, type SessionData } from "./sessionData.js"
import type { Change, Loaded } from "./sessionJournal.js"
import * as userTag from "./userTag.js"

/**
 * The store's timing (each line's `SessionStore.ExpiryPolicy`), in milliseconds.
 *
 * @internal
 */
export interface Policy {
  readonly idle: number
  readonly absolute: number
  readonly touch: number
}

/**
 * What a stored record needs here (each line's `SessionStore.StoredSession`).
 *
 * @internal
 */
export interface Stored {
  readonly createdAt: number
  readonly expiresAt: number
}

// A 256-bit id: 43 base64url characters, then its user's tag (src/core/userTag.ts) when it has a login.
const plainLength = 43
const wellFormedId = /^[A-Za-z0-9_-]{43}(?:[0-9a-f]{4})?$/

/**
 * The store key of a session id: the store holds only the id's SHA-256, and its user's tag in braces.
 *
 * @internal
 */
export const keyOf = (id: string): string =>
  crypto.sha256(id).toString("base64url") + userTag.keySuffix(userTag.ofId(id, plainLength))

/**
 * A new session id (for the cookie) and its store key; a session with a
 * login carries its user's tag, so that a sharded store keeps it with the
 * user's index.
 *
 * @internal
 */
export const newId = (userId: string | undefined): { readonly id: string; readonly key: string } => {
  const id = crypto.randomToken(32) + (userId === undefined ? "" : userTag.of(userId))
  return { id, key: keyOf(id) }
}

/**
 * What the request's session cookie holds, before any store is asked.
 *
 * @internal
 */
export type Presented =
  /** Settled without the store: no cookie, or a rejected duplicate. */
  | { readonly _tag: "Settled"; readonly loaded: Loaded }
  /** Not an id: a session without a login in its signed cookie, or nothing of ours. */
  | { readonly _tag: "Signed"; readonly raw: string }
  /** An id, to look up under `key`. */
  | { readonly _tag: "Id"; readonly raw: string; readonly key: string }

const noCookie: Presented = {
  _tag: "Settled",
  loaded: { data: undefined, raw: undefined, presented: false, rejected: false, stale: false }
}
const duplicate: Presented = {
  _tag: "Settled",
  loaded: { data: undefined, raw: undefined, presented: true, rejected: true, stale: false }
}

/** @internal */
export const presented = (header: string | undefined, name: string): Presented => {
  const raw = cookieHeader.readCookie(header, name)
  if (raw === undefined) return noCookie
  if (raw === cookieHeader.duplicate) return duplicate
  return wellFormedId.test(raw) ? { _tag: "Id", raw, key: keyOf(raw) } : { _tag: "Signed", raw }
}

/**
 * The id in the request's cookie ("" when there is none): the cookie to set again with a new expiry.
 *
 * @internal
 */
export const idOf = (header: string | undefined, name: string): string => {
  const raw = cookieHeader.readCookie(header, name)
  return typeof raw === "string" ? raw : ""
}

/**
 * A session the cookie presented but that is not to be had (unknown, ended, undecodable, forged).
 *
 * @internal
 */
export const rejected = (raw: string): Loaded => ({
  data: undefined,
  raw,
  presented: true,
  rejected: true,
  stale: false
})

/**
 * The session a cookie presented, found.
 *
 * @internal
 */
export const accepted = (data: SessionData, raw: string, stale: boolean): Loaded => ({
  data,
  raw,
  presented: true,
  rejected: false,
  stale
})

/**
 * A signed cookie's session is taken only without a login: a login lives in the store.
 *
 * @internal
 */
export const fromSigned = (
  raw: string,
  decoded: { readonly session: SessionData; readonly stale: boolean } | undefined
): Loaded =>
  decoded !== undefined && decoded.session.userId === undefined
    ? accepted(decoded.session, raw, decoded.stale)
    : rejected(raw)

/**
 * When a session created at `createdAt` and used at `now` expires: idle, never past its absolute lifetime.
 *
 * @internal
 */
export const expiresAt = (policy: Policy, createdAt: number, now: number): number =>
  Math.min(now + policy.idle, createdAt + policy.absolute)

/**
 * Used, not changed: the expiry to move the record to, when it moves by a touch interval or more.
 *
 * @internal
 */
export const touchTo = (policy: Policy, stored: Stored, now: number): number | undefined => {
  const moved = expiresAt(policy, stored.createdAt, now)
  return moved - stored.expiresAt >= policy.touch ? moved : undefined
}

/**
 * A record's fields for `data` (its user, for the user's index), but the encoded data itself.
 *
 * @internal
 */
export const recordOf = (
  data: SessionData,
  encoded: string,
  version: number,
  createdAt: number,
  expiresAt: number
): {
  readonly data: string
  readonly userId?: string
  readonly version: number
  readonly createdAt: number
  readonly expiresAt: number
} => ({
  data: encoded,
  ...(data.userId === undefined ? {} : { userId: data.userId }),
  version,
  createdAt,
  expiresAt
})

/**
 * A user's sessions and remember tokens past the cap: the keys of the oldest,
 * to end so that revoking stays bounded (never `current`).
 *
 * @internal
 */
export const excess = (
  mine: ReadonlyArray<{ readonly key: string; readonly session: Stored }>,
  maxPerUser: number,
  current: string
): ReadonlyArray<string> => {
  const count = mine.length - maxPerUser
  if (count <= 0) return []
  return mine
    .filter((entry) => entry.key !== current)
    .sort((a, b) => a.session.createdAt - b.session.createdAt)
    .slice(0, count)
    .map((entry) => entry.key)
}

/**
 * A user's session or remember series, for their list of devices (each line's `Session.SessionInfo`).
 *
 * @internal
 */
export const infoOf = (
  entry: { readonly key: string; readonly session: Stored },
  series: { readonly usedAt: number; readonly userAgent: string | undefined } | undefined,
  current: boolean
) => ({
  kind: series === undefined ? "session" as const : "remember" as const,
  current,
  createdAt: entry.session.createdAt,
  expiresAt: entry.session.expiresAt,
  lastUsedAt: series?.usedAt,
  userAgent: series?.userAgent
})

/**
 * What a request's change does at commit.
 *
 * @internal
 */
export type Plan =
  /** Read, not changed, and no expiry to move: nothing to do. */
  | { readonly _tag: "Nothing" }
  /** Read, not changed: the record's expiry moves to `to`. */
  | { readonly _tag: "Touch"; readonly key: string; readonly to: number }
  /** No login: out of the store (`ended`, when it was there), into its signed cookie. */
  | { readonly _tag: "Anonymous"; readonly data: SessionData; readonly ended: string | undefined }
  /** A new identity (session fixation, or a first write), the old one (`ended`) deleted. */
  | { readonly _tag: "Create"; readonly data: SessionData; readonly ended: string | undefined }
  /** Nothing left to keep: the record (`ended`) deleted, the cookie cleared. */
  | { readonly _tag: "End"; readonly ended: string | undefined }
  /** The record under `key` rewritten. */
  | { readonly _tag: "Update"; readonly key: string; readonly data: SessionData }

const nothing: Plan = { _tag: "Nothing" }

/**
 * What `change` does, given the store key the request's session was read under and its pending touch.
 *
 * @internal
 */
export const plan = (change: Change, key: string | undefined, touch: number | undefined): Plan => {
  if (!change.dirty) return touch === undefined || key === undefined ? nothing : { _tag: "Touch", key, to: touch }
  const data = change.data
  if (data === undefined || isEmpty(data)) return { _tag: "End", ended: key }
  if (data.userId === undefined) return { _tag: "Anonymous", data, ended: key }
  if (change.rotate || key === undefined) return { _tag: "Create", data, ended: key }
  return { _tag: "Update", key, data }
}
