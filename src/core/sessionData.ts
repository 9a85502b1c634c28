/**
 * What a request can do to its session, as pure functions over the session's
 * data. Each change is a `Mutation`, so that the store can apply it again over
 * a concurrent write of the same session.
 *
 * @internal
 */
import * as crypto from "./crypto.js"

/**
 * Everything a session holds, as plain data: both Effect lines' `SessionCookie.SessionData` schemas
 * decode to this type (each checks it at compile time).
 *
 * @internal
 */
export type Flash = readonly [category: string, message: string]

/**
 * Everything a session holds (see above).
 *
 * @internal
 */
export interface SessionData {
  readonly id: string
  readonly userId?: string
  readonly fresh?: boolean
  readonly freshAt?: number
  readonly loginAt?: number
  readonly client?: string
  readonly stamp?: string
  readonly next?: string
  readonly data?: { readonly [key: string]: unknown }
  readonly flashes?: ReadonlyArray<Flash>
  readonly issuedAt: number
}

/**
 * A change to the session. `now` is the time the request read it.
 *
 * @internal
 */
export type Mutation = (data: SessionData | undefined, now: number) => SessionData | undefined

/**
 * What ties a login to its client and to the user's security stamp (both hashed).
 *
 * @internal
 */
export interface Binding {
  readonly client?: string | undefined
  readonly stamp?: string | undefined
}

// 128 bits: the session identity only has to be unique, the MAC makes it unforgeable.
/** @internal */
export const newId = (): string => crypto.randomToken(16)

/**
 * Nothing worth a cookie or a stored session.
 *
 * @internal
 */
export const isEmpty = (data: SessionData): boolean =>
  data.userId === undefined && data.next === undefined &&
  (data.flashes === undefined || data.flashes.length === 0) &&
  (data.data === undefined || Object.keys(data.data).length === 0)

/**
 * Drops what belongs to the login (Flask-Login's SESSION_KEYS), keeps the application's data.
 *
 * @internal
 */
export const withoutLogin = (
  { client: _c, fresh: _f, freshAt: _a, loginAt: _l, next: _n, stamp: _s, userId: _u, ...rest }: SessionData
): SessionData => rest

const binding = ({ client, stamp }: Binding) => ({
  ...(client === undefined ? {} : { client }),
  ...(stamp === undefined ? {} : { stamp })
})

/**
 * A login of `userId` (`login`): a new identity; another user's data does not
 * carry over into it, the same user keeps theirs.
 *
 * @internal
 */
export const loggedIn = (userId: string, fresh: boolean, bound: Binding): Mutation => (data, now) => ({
  ...(data !== undefined && (data.userId === undefined || data.userId === userId) ? withoutLogin(data) : {}),
  id: newId(),
  userId,
  fresh,
  ...(fresh ? { freshAt: now } : {}),
  loginAt: now,
  ...binding(bound),
  issuedAt: now
})

/**
 * A login restored by the remember cookie: a new identity, not fresh.
 *
 * @internal
 */
export const restored = (userId: string, bound: Binding): Mutation => (data, now) => ({
  ...(data === undefined ? {} : withoutLogin(data)),
  id: newId(),
  userId,
  fresh: false,
  loginAt: now,
  ...binding(bound),
  issuedAt: now
})

/**
 * As {@link restored}, when the application's data made the session too large to keep.
 *
 * @internal
 */
export const restoredAlone = (userId: string, bound: Binding): Mutation => (_, now) =>
  restored(userId, bound)(undefined, now)

/**
 * A logout: a new identity, the application's data kept.
 *
 * @internal
 */
export const loggedOut: Mutation = (data, now) => data && { ...withoutLogin(data), id: newId(), issuedAt: now }

/**
 * The login of `userId` ended (strong protection, a deleted user, a changed stamp).
 *
 * @internal
 */
export const loginEnded = (userId: string): Mutation => (data) => data?.userId === userId ? withoutLogin(data) : data

/**
 * Session protection: the login is bound to this client from now on.
 *
 * @internal
 */
export const bound = (bound: Binding): Mutation => (data) => data && { ...data, ...binding(bound) }

/**
 * Session protection (basic): the client changed, the login is no longer fresh.
 *
 * @internal
 */
export const stale: Mutation = (data) => data && { ...data, fresh: false }

/**
 * The user re-entered their password (`confirmLogin`).
 *
 * @internal
 */
export const confirmed = (freshAt: number, bound: Binding): Mutation => (data) =>
  data && { ...data, id: newId(), fresh: true, freshAt, ...binding(bound) }

/** @internal */
export const withValue = (key: string, value: unknown): Mutation => (data, now) => ({
  ...(data ?? { id: newId() }),
  data: { ...data?.data, [key]: value },
  issuedAt: now
})

/** @internal */
export const withoutValue = (key: string): Mutation => (data) => {
  if (data?.data === undefined || !Object.hasOwn(data.data, key)) return data
  const { [key]: _removed, ...rest } = data.data
  return { ...data, data: rest }
}

/**
 * A flashed message, and (for the unauthorized flow, with `useSessionForNext`) where to go back to.
 *
 * @internal
 */
export const withFlash = (
  flash: Flash | undefined,
  next?: string | undefined
): Mutation =>
(data, now) => ({
  ...(data ?? { id: newId() }),
  ...(flash === undefined ? {} : { flashes: flashesWith(data?.flashes ?? [], flash) }),
  ...(next === undefined ? {} : { next }),
  issuedAt: now
})

/** Pending flashes are few: a page shows a handful. Past this, the oldest give way. */
export const maxFlashes = 16

// The same message twice is shown once (a reloaded protected page flashes "please log in" again and again).
const flashesWith = (flashes: ReadonlyArray<Flash>, flash: Flash) =>
  flashes.some(([category, message]) => category === flash[0] && message === flash[1])
    ? flashes
    : [...flashes, flash].slice(-maxFlashes)

/** @internal */
export const withoutFlashes: Mutation = (data) => {
  if (data === undefined) return data
  const { flashes: _taken, ...rest } = data
  return rest
}

/** @internal */
export const withoutNext: Mutation = (data) => {
  if (data === undefined) return data
  const { next: _taken, ...rest } = data
  return rest
}

/**
 * The session of a login made without a request (`issueSessionCookie`): bound
 * to its client on first use.
 *
 * @internal
 */
export const issued = (userId: string, fresh: boolean, stamp: string | undefined, now: number): SessionData => ({
  id: newId(),
  userId,
  fresh,
  ...(fresh ? { freshAt: now } : {}),
  loginAt: now,
  ...(stamp === undefined ? {} : { stamp }),
  issuedAt: now
})
