/**
 * The decisions of stateless sessions (the whole session in a signed or
 * encrypted cookie), shared by both lines (no Effect): a cache of cookies
 * verified recently (a repeat costs a lookup, not an HMAC, and is still
 * refused once too old), what the request's cookie holds, what a change does
 * to the cookie, and the one session a user's list shows. Each line's
 * cookiePersistence.ts gives the codec and writes the response.
 *
 * @internal
 */
import { BoundedCache } from "./boundedCache.js"
import * as cookieHeader from "./cookieHeader.js"
import { isEmpty, type SessionData } from "./sessionData.js"
import type { Change, Loaded } from "./sessionJournal.js"

/**
 * A verified cookie's session (each line's `SessionCookie.Decoded`).
 *
 * @internal
 */
export interface Decoded {
  readonly session: SessionData
  /** Verified with a previous key: the cookie should be re-issued with the current one. */
  readonly stale: boolean
}

// Cookies verified recently, by their exact value: a repeat costs a lookup, not an HMAC. Only
// verified cookies enter, the expiry is checked again on every hit, and large values are not kept.
const verifiedCacheSize = 4096
const verifiedCacheMaxValue = 1024

/**
 * `decode` (the line's codec: `undefined` when the cookie is refused), behind
 * a cache of cookies verified recently; a cached one is refused once older
 * than `maxAgeMillis`.
 *
 * @internal
 */
export const cachedDecode = <D extends Decoded>(
  maxAgeMillis: number,
  decode: (raw: string, now: number) => D | undefined
): (raw: string, now: number) => D | undefined => {
  const verified = new BoundedCache<D>(verifiedCacheSize)
  return (raw, now) => {
    const cached = verified.get(raw)
    if (cached !== undefined) return now - cached.session.issuedAt < maxAgeMillis ? cached : undefined
    const decoded = decode(raw, now)
    if (decoded === undefined) return undefined
    if (raw.length <= verifiedCacheMaxValue) verified.set(raw, decoded)
    return decoded
  }
}

/**
 * What the request's session cookie holds.
 *
 * @internal
 */
export const load = (
  header: string | undefined,
  name: string,
  decode: (raw: string, now: number) => Decoded | undefined,
  now: number
): Loaded => {
  const raw = cookieHeader.readCookie(header, name)
  if (raw === undefined) return { data: undefined, raw, presented: false, rejected: false, stale: false }
  if (raw === cookieHeader.duplicate) {
    return { data: undefined, raw: undefined, presented: true, rejected: true, stale: false }
  }
  const decoded = decode(raw, now)
  return decoded !== undefined
    ? { data: decoded.session, raw, presented: true, rejected: false, stale: decoded.stale }
    : { data: undefined, raw, presented: true, rejected: true, stale: false }
}

/**
 * The session to write in the cookie (`data`), the cookie to clear (`"Clear"`), or nothing to do (`undefined`).
 *
 * @internal
 */
export const toWrite = (change: Change): SessionData | "Clear" | undefined =>
  change.dirty && change.data !== undefined && !isEmpty(change.data)
    ? change.data
    : change.dirty
    ? "Clear"
    : undefined

/**
 * A user's sessions, as a cookie knows them: only this one (each line's `Session.SessionInfo`).
 *
 * @internal
 */
export const sessionsOf = (current: SessionData) => [{
  kind: "session" as const,
  current: true,
  createdAt: current.issuedAt,
  expiresAt: undefined,
  lastUsedAt: undefined,
  userAgent: undefined
}]
