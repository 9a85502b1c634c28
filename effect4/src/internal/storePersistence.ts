/**
 * Server-side sessions: the session in a `SessionStore`, a 256-bit random id
 * in the cookie, and only the id's SHA-256 in the store. A session without a
 * login (a flash, a `next`, a cart before login) never reaches the store: it
 * lives in a small signed cookie of the same name, so that anonymous traffic
 * cannot fill the store.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { BoundedCache } from "../../../src/internal/boundedCache.js"
import * as cookieHeader from "../../../src/internal/cookieHeader.js"
import * as crypto from "../../../src/internal/crypto.js"
import { isEmpty, type SessionData } from "../../../src/internal/sessionData.js"
import * as LoginError from "../LoginError.js"
import type * as Session from "../Session.js"
import * as SessionCookie from "../SessionCookie.js"
import type * as SessionStore from "../SessionStore.js"
import { type Change, type CookieSettings, expire, type Loaded, type Persistence } from "./persistence.js"
import * as rememberSeries from "./rememberSeries.js"

// Stored data longer than this is decoded every time rather than kept.
const decodedCacheMaxText = 1024

const encodeData = Schema.encodeSync(Schema.fromJsonString(SessionCookie.SessionData))
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
  if (text.length <= decodedCacheMaxText) decodedCache.set(text, decoded)
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
  settings: CookieSettings & {
    readonly persistent: boolean
    readonly maxBytes: number
    /** Sessions and remember tokens a user may have; a login past it ends the oldest. */
    readonly maxPerUser: number
    /** Signs the cookie of a session without a login (its own purpose: no other cookie verifies as one). */
    readonly anonymous: SessionCookie.Codec
  },
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
      HttpServerResponse.setCookieUnsafe(response, settings.name, id, {
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
        // Not an outage (the store answered every time), so the store did not log it: say it here.
        yield* Effect.logWarning(`effect-login: ${maxAttempts} concurrent writes of one session in a row; not saved`)
        return yield* new LoginError.SessionStoreError({ operation: "set", cause: "too many concurrent writes" })
      })

    /** A user's sessions and remember tokens past the cap: the oldest end, so that revoking stays bounded. */
    const capSessions = (userId: string, current: string) =>
      Effect.flatMap(sessions.listByUser(userId), (mine) => {
        const excess = mine.length - settings.maxPerUser
        if (excess <= 0) return Effect.void
        const oldest = mine
          .filter((entry) => entry.key !== current)
          .sort((a, b) => a.session.createdAt - b.session.createdAt)
          .slice(0, excess)
        return Effect.forEach(oldest, (entry) => sessions.delete(entry.key), { discard: true })
      })

    return {
      loadSync: undefined,
      load: (now) => {
        const raw = cookieHeader.readCookie(request.headers.cookie, settings.name)
        if (raw === undefined) {
          return Effect.succeed({ data: undefined, raw, presented: false, rejected: false, stale: false })
        }
        if (raw === cookieHeader.duplicate) {
          return Effect.succeed({ data: undefined, raw: undefined, presented: true, rejected: true, stale: false })
        }
        if (!wellFormedId.test(raw)) {
          // Not an id: a session without a login, in its signed cookie, or nothing of ours.
          const decoded = settings.anonymous.decode(raw, now)
          return Effect.succeed(
            Result.isSuccess(decoded) && decoded.success.session.userId === undefined
              ? { data: decoded.success.session, raw, presented: true, rejected: false, stale: decoded.success.stale }
              : { data: undefined, raw, presented: true, rejected: true, stale: false }
          )
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
      check: (next) => {
        if (next.userId === undefined) {
          // Kept in a cookie: the cookie's limit.
          const bytes = settings.name.length + 1 + settings.anonymous.encode(next).length
          return bytes > SessionCookie.maxCookieBytes
            ? new LoginError.SessionTooLarge({ bytes, limit: SessionCookie.maxCookieBytes })
            : undefined
        }
        // Measured as the store keeps it; the encoding is not kept, as most writes are far below the cap.
        const bytes = Buffer.byteLength(encodeData(next))
        return bytes > settings.maxBytes
          ? new LoginError.SessionTooLarge({ bytes, limit: settings.maxBytes })
          : undefined
      },
      sessionsOf: (userId, _, rememberKey) =>
        Effect.map(sessions.listByUser(userId), (found) =>
          found.map(({ key: other, session }): Session.SessionInfo => {
            const series = rememberSeries.isSeriesKey(other) ? rememberSeries.describe(session) : undefined
            return {
              kind: series === undefined ? "session" : "remember",
              current: other === key || other === rememberKey,
              createdAt: session.createdAt,
              expiresAt: session.expiresAt,
              lastUsedAt: series?.usedAt,
              userAgent: series?.userAgent
            }
          })),
      endOthers: (userId, keep) => sessions.deleteByUser(userId, key === undefined ? keep : [key, ...keep]),
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
            if (keep && change.data!.userId === undefined) {
              // No login: out of the store (a logout, a revoked login), into its signed cookie.
              if (key !== undefined) yield* sessions.delete(key)
              return HttpServerResponse.setCookieUnsafe(
                response,
                settings.name,
                settings.anonymous.encode(change.data!),
                {
                  ...settings.options,
                  maxAge: settings.persistent ? Duration.millis(policy.idle) : undefined
                }
              )
            }
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
              if (created.userId !== undefined) yield* capSessions(created.userId, keyOf(id))
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
            // An outage is logged by the store, once; this request's part of it is a detail.
            Effect.catchTag("SessionStoreError", (error) =>
              Effect.as(
                Effect.logDebug(`effect-login: the session could not be saved: ${error.message}`),
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
