/**
 * Where a session lives between requests: in the cookie itself (signed or
 * encrypted), or in a `SessionStore` with only a random id in the cookie.
 * The request logic (internal/requestSession.ts) is the same for both: this
 * module reads the session once per request, writes it back in the
 * pre-response step, and reaches the user's other sessions.
 *
 * @internal
 */
import type * as Cookies from "@effect/platform/Cookies"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Session from "../Session.js"
import * as SessionCookie from "../SessionCookie.js"
import * as SessionStore from "../SessionStore.js"
import { BoundedCache } from "./boundedCache.js"
import * as cookieHeader from "./cookieHeader.js"
import * as crypto from "./crypto.js"
import { isEmpty, type SessionData } from "./sessionData.js"

/**
 * The session as the request found it.
 *
 * @internal
 */
export interface Loaded {
  readonly data: SessionData | undefined
  /** The cookie's value, when one (and only one) came. */
  readonly raw: string | undefined
  /** A session cookie came, valid or not. */
  readonly presented: boolean
  /** It came but is not a session of ours: it must be cleared (or replaced). */
  readonly rejected: boolean
  /** Ours, but it must be written again (signed by a previous key). */
  readonly stale: boolean
}

/**
 * What the request did to the session, for the pre-response step.
 *
 * @internal
 */
export interface Change {
  readonly dirty: boolean
  readonly data: SessionData | undefined
  /** A new identity: login, logout, or a session that came from elsewhere (remember, Flask). */
  readonly rotate: boolean
  /** The request's changes, to apply again over a concurrent write. */
  readonly replay: (data: SessionData | undefined, now: number) => SessionData | undefined
}

/**
 * The persistence of one request's session.
 *
 * @internal
 */
export interface Handle {
  readonly load: (now: number) => Effect.Effect<Loaded, SessionStore.SessionStoreError>
  /** The same, when it needs no I/O (the cookie): the hot path runs it without fibers or deferreds. */
  readonly loadSync: ((now: number) => Loaded) | undefined
  /** Refuses a session that cannot be written (a cookie over 4 KB). */
  readonly check: (next: SessionData) => Session.SessionTooLarge | undefined
  /** Writes what changed and sets or clears the cookie. */
  readonly commit: (change: Change, response: HttpServerResponse.HttpServerResponse) => Effect.Effect<
    HttpServerResponse.HttpServerResponse
  >
  /** The sessions of `userId`: all of them in a store, only this one (`current`) in a cookie. */
  readonly sessionsOf: (
    userId: string,
    current: SessionData
  ) => Effect.Effect<ReadonlyArray<Session.SessionInfo>, SessionStore.SessionStoreError>
  /** Ends the other sessions of `userId` (a store only; a cookie cannot reach them): how many. */
  readonly endOthers: (userId: string) => Effect.Effect<number, SessionStore.SessionStoreError>
}

/** @internal */
export interface Persistence {
  readonly open: (request: HttpServerRequest.HttpServerRequest) => Handle
  /** A new session, made without a request: the cookie value (for test clients and tools). */
  readonly issue: (data: SessionData, now: number) => Effect.Effect<string, SessionStore.SessionStoreError>
}

const expire = (response: HttpServerResponse.HttpServerResponse, name: string, options: Cookies.Cookie["options"]) => {
  // The same attributes as when it was set: browsers only delete a cookie they can match.
  const { expires: _expires, maxAge: _maxAge, ...rest } = options ?? {}
  return HttpServerResponse.expireCookie(response, name, rest)
}

/** @internal */
export interface CookieSettings {
  readonly name: string
  readonly options: Cookies.Cookie["options"]
}

// Cookies verified recently, by their exact value: a repeat costs a lookup, not an HMAC. Only
// verified cookies enter, the expiry is checked again on every hit, and large values are not kept.
const verifiedCacheSize = 4096
const verifiedCacheMaxValue = 1024

/**
 * Stateless: the whole session in a signed or encrypted cookie.
 *
 * @internal
 */
export const cookie = (
  settings: CookieSettings & { readonly maxAgeMillis: number },
  codec: SessionCookie.Codec
): Persistence => {
  const verified = new BoundedCache<SessionCookie.Decoded>(verifiedCacheSize)
  const decode = (raw: string, now: number): SessionCookie.Decoded | undefined => {
    const cached = verified.get(raw)
    if (cached !== undefined) return now - cached.session.issuedAt < settings.maxAgeMillis ? cached : undefined
    const decoded = codec.decode(raw, now)
    if (Either.isLeft(decoded)) return undefined
    if (raw.length <= verifiedCacheMaxValue) verified.set(raw, decoded.right)
    return decoded.right
  }
  return {
    issue: (data) => Effect.succeed(codec.encode(data)),
    open: (request) => {
      // The value of the last session that passed the size check, so that it is encoded once.
      let checked: { readonly data: SessionData; readonly value: string } | undefined
      const loadSync = (now: number): Loaded => {
        const raw = cookieHeader.readCookie(request.headers.cookie, settings.name)
        if (raw === undefined) return { data: undefined, raw, presented: false, rejected: false, stale: false }
        if (raw === cookieHeader.duplicate) {
          return { data: undefined, raw: undefined, presented: true, rejected: true, stale: false }
        }
        const decoded = decode(raw, now)
        return decoded !== undefined
          ? { data: decoded.session, raw, presented: true, rejected: false, stale: decoded.stale }
          : { data: undefined, raw, presented: true, rejected: true, stale: false }
      }
      return {
        loadSync,
        load: (now) => Effect.sync(() => loadSync(now)),
        check: (next) => {
          if (isEmpty(next)) return undefined
          const value = codec.encode(next)
          const bytes = settings.name.length + 1 + value.length
          if (bytes > SessionCookie.maxCookieBytes) {
            return new Session.SessionTooLarge({ bytes, limit: SessionCookie.maxCookieBytes })
          }
          checked = { data: next, value }
          return undefined
        },
        commit: (change, response) => {
          if (change.dirty && change.data !== undefined && !isEmpty(change.data)) {
            const value = checked?.data === change.data ? checked.value : codec.encode(change.data)
            // The name and options were validated when the Layer was built; the value is base64url.
            return Exit.succeed(HttpServerResponse.unsafeSetCookie(response, settings.name, value, settings.options))
          }
          return Exit.succeed(change.dirty ? expire(response, settings.name, settings.options) : response)
        },
        sessionsOf: (_, current) =>
          Exit.succeed([{ current: true, createdAt: current.issuedAt, expiresAt: undefined }]),
        endOthers: () => Exit.succeed(0)
      }
    }
  }
}

const encodeData = Schema.encodeSync(Schema.parseJson(SessionCookie.SessionData))
const decodeSession = Schema.decodeUnknownOption(SessionCookie.SessionData)

// The data of a stored session, decoded: by its exact text, which changes with every write, so a
// session that is only read is decoded once. `JSON.parse` then the Struct is twice as fast as `parseJson`.
const decodedCache = new BoundedCache<Option.Option<SessionData>>(4096)
const decodeData = (text: string): Option.Option<SessionData> => {
  const cached = decodedCache.get(text)
  if (cached !== undefined) return cached
  let decoded: Option.Option<SessionData>
  try {
    decoded = decodeSession(JSON.parse(text))
  } catch {
    decoded = Option.none()
  }
  if (text.length <= verifiedCacheMaxValue) decodedCache.set(text, decoded)
  return decoded
}

// A 256-bit id: 43 base64url characters.
const wellFormedId = /^[A-Za-z0-9_-]{43}$/
const keyOf = (id: string) => crypto.sha256(id).toString("base64url")

/** How many times a write is retried over concurrent writes of the same session. */
const maxAttempts = 5

/**
 * Server-side: the session in a store, a 256-bit random id in the cookie, and
 * only the id's SHA-256 in the store.
 *
 * @internal
 */
export const store = (
  settings: CookieSettings & { readonly persistent: boolean },
  sessions: SessionStore.SessionStore,
  policy: SessionStore.ExpiryPolicy
): Persistence => ({
  issue: (data, now) => {
    const id = crypto.randomToken(32)
    const created: SessionStore.StoredSession = {
      data: encodeData(data),
      ...(data.userId === undefined ? {} : { userId: data.userId }),
      version: 0,
      createdAt: now,
      expiresAt: Math.min(now + policy.idle, now + policy.absolute)
    }
    return Effect.as(sessions.set(keyOf(id), created, undefined), id)
  },
  open: (request) => {
    let key: string | undefined
    let stored: SessionStore.StoredSession | undefined
    let touchTo: number | undefined

    const expiresAt = (createdAt: number, now: number) => Math.min(now + policy.idle, createdAt + policy.absolute)
    const setCookie = (response: HttpServerResponse.HttpServerResponse, id: string, expires: number, now: number) =>
      HttpServerResponse.unsafeSetCookie(response, settings.name, id, {
        ...settings.options,
        maxAge: settings.persistent ? Duration.millis(Math.max(0, expires - now)) : undefined
      })

    /** Writes `data` under the current key, over any concurrent write. */
    const update = (change: Change, now: number) =>
      Effect.gen(function*() {
        let current = stored!
        let data = change.data!
        for (let attempt = 0; attempt < maxAttempts; attempt++) {
          const next: SessionStore.StoredSession = {
            data: encodeData(data),
            ...(data.userId === undefined ? {} : { userId: data.userId }),
            version: current.version + 1,
            createdAt: current.createdAt,
            expiresAt: expiresAt(current.createdAt, now)
          }
          if (yield* sessions.set(key!, next, current.version)) return next
          // Another request of this session wrote first: apply this request's changes to its result.
          const latest = yield* sessions.get(key!)
          if (Option.isNone(latest)) return undefined // ended meanwhile (logout everywhere): not revived
          current = latest.value
          const replayed = change.replay(Option.getOrUndefined(decodeData(current.data)), now)
          // Nothing left to write (the winner made the same change): done.
          if (replayed === undefined || encodeData(replayed) === current.data) return current
          data = replayed
        }
        return yield* new SessionStore.SessionStoreError({ operation: "set", cause: "too many concurrent writes" })
      })

    return {
      loadSync: undefined,
      load: (now) => {
        const raw = cookieHeader.readCookie(request.headers.cookie, settings.name)
        if (raw === undefined) {
          return Effect.succeed({ data: undefined, raw, presented: false, rejected: false, stale: false })
        }
        if (raw === cookieHeader.duplicate || !wellFormedId.test(raw)) {
          return Effect.succeed({
            data: undefined,
            raw: raw === cookieHeader.duplicate ? undefined : raw,
            presented: true,
            rejected: true,
            stale: false
          })
        }
        const hashed = keyOf(raw)
        return Effect.map(sessions.get(hashed), (found): Loaded => {
          const data = Option.flatMap(found, (session) => decodeData(session.data))
          if (Option.isNone(found) || Option.isNone(data)) {
            return { data: undefined, raw, presented: true, rejected: true, stale: false }
          }
          key = hashed
          stored = found.value
          // Used, not changed: move the expiry when it moves by a touch interval or more.
          const moved = expiresAt(stored.createdAt, now)
          if (moved - stored.expiresAt >= policy.touch) touchTo = moved
          return { data: data.value, raw, presented: true, rejected: false, stale: false }
        })
      },
      check: () => undefined,
      sessionsOf: (userId) =>
        Effect.map(sessions.listByUser(userId), (found) =>
          found.map(({ key: other, session }) => ({
            current: other === key,
            createdAt: session.createdAt,
            expiresAt: session.expiresAt
          }))),
      endOthers: (userId) => sessions.deleteByUser(userId, key),
      commit: (change, response) =>
        // Read, not changed, and no expiry to move: nothing to do.
        !change.dirty && (touchTo === undefined || key === undefined) ?
          Exit.succeed(response) :
          Effect.gen(function*() {
            const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
            if (!change.dirty) {
              if (touchTo === undefined || key === undefined) return response
              yield* sessions.touch(key, touchTo)
              // The cookie's own expiry follows the server's, or the browser would end the session first.
              return settings.persistent ? setCookie(response, readId(), touchTo, now) : response
            }
            const keep = change.data !== undefined && !isEmpty(change.data)
            if (change.rotate || key === undefined) {
              // Session fixation: a new identity, and the old one deleted.
              if (key !== undefined) yield* sessions.delete(key)
              if (!keep) return expire(response, settings.name, settings.options)
              const id = crypto.randomToken(32)
              const created: SessionStore.StoredSession = {
                data: encodeData(change.data!),
                ...(change.data!.userId === undefined ? {} : { userId: change.data!.userId }),
                version: 0,
                createdAt: now,
                expiresAt: expiresAt(now, now)
              }
              yield* sessions.set(keyOf(id), created, undefined)
              return setCookie(response, id, created.expiresAt, now)
            }
            if (!keep) {
              yield* sessions.delete(key)
              return expire(response, settings.name, settings.options)
            }
            const written = yield* update(change, now)
            if (written === undefined) return expire(response, settings.name, settings.options)
            return settings.persistent ? setCookie(response, readId(), written.expiresAt, now) : response
          }).pipe(
            // The store failed after the handler ran: say so rather than pretend the change was kept.
            Effect.catchTag("SessionStoreError", (error) =>
              Effect.as(
                Effect.logError("effect-login: the session could not be saved", error),
                HttpServerResponse.text("Service Unavailable", { status: 503 })
              ))
          )
    }

    function readId(): string {
      const raw = cookieHeader.readCookie(request.headers.cookie, settings.name)
      return typeof raw === "string" ? raw : ""
    }
  }
})
