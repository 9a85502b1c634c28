/**
 * Server-side sessions: the session in a `SessionStore`, a 256-bit random id
 * in the cookie, and only the id's SHA-256 in the store. A session without a
 * login (a flash, a `next`, a cart before login) never reaches the store: it
 * lives in a small signed cookie of the same name, so that anonymous traffic
 * cannot fill the store. The decisions are storePersistenceCore.ts's, shared
 * by both lines; this module runs the store and writes the cookie.
 *
 * @internal
 */
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { BoundedCache } from "../core/boundedCache.js"
import type { SessionData } from "../core/sessionData.js"
import * as core from "../core/storePersistence.js"
import * as LoginError from "../LoginError.js"
import type * as Session from "../Session.js"
import * as SessionCookie from "../SessionCookie.js"
import type * as SessionStore from "../SessionStore.js"
import { type Change, type CookieSettings, expire, type Loaded, type Persistence } from "./persistence.js"
import * as rememberSeries from "./rememberSeries.js"

// Stored data longer than this is decoded every time rather than kept.
const decodedCacheMaxText = 1024

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
  if (text.length <= decodedCacheMaxText) decodedCache.set(text, decoded)
  return decoded
}

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
    const { id, key } = core.newId(data.userId)
    const created = core.recordOf(data, encodeData(data), 0, now, core.expiresAt(policy, now, now))
    return Effect.as(sessions.set(key, created, undefined), id)
  },
  open: (request) => {
    let key: string | undefined
    let stored: SessionStore.StoredSession | undefined
    let touchTo: number | undefined

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
          const expires = core.expiresAt(policy, current.createdAt, now)
          const next = core.recordOf(data, encodeData(data), current.version + 1, current.createdAt, expires)
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
        const oldest = core.excess(mine, settings.maxPerUser, current)
        return oldest.length === 0
          ? Effect.void
          : Effect.forEach(oldest, (old) => sessions.delete(old), { discard: true })
      })

    return {
      loadSync: undefined,
      load: (now) => {
        const presented = core.presented(request.headers.cookie, settings.name)
        switch (presented._tag) {
          case "Settled":
            return Effect.succeed(presented.loaded)
          case "Signed": {
            const decoded = settings.anonymous.decode(presented.raw, now)
            return Effect.succeed(core.fromSigned(presented.raw, Either.isRight(decoded) ? decoded.right : undefined))
          }
        }
        const { key: hashed, raw } = presented
        return Effect.map(sessions.get(hashed), (found): Loaded => {
          const data = Option.flatMap(found, (session) => decodeData(session.data))
          if (Option.isNone(found) || Option.isNone(data)) return core.rejected(raw)
          key = hashed
          stored = found.value
          // Used, not changed: move the expiry when it moves by a touch interval or more.
          touchTo = core.touchTo(policy, stored, now)
          return core.accepted(data.value, raw, false)
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
          found.map((entry): Session.SessionInfo =>
            core.infoOf(
              entry,
              rememberSeries.isSeriesKey(entry.key) ? rememberSeries.describe(entry.session) : undefined,
              entry.key === key || entry.key === rememberKey
            )
          )),
      endOthers: (userId, keep) => sessions.deleteByUser(userId, key === undefined ? keep : [key, ...keep]),
      commit: (change, response) => {
        const plan = core.plan(change, key, touchTo)
        // Read, not changed, and no expiry to move: nothing to do.
        if (plan._tag === "Nothing") return Exit.succeed(response)
        return Effect.gen(function*() {
          const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
          switch (plan._tag) {
            case "Touch": {
              yield* sessions.touch(plan.key, plan.to)
              // The cookie's own expiry follows the server's, or the browser would end the session first.
              return settings.persistent
                ? setCookie(response, core.idOf(request.headers.cookie, settings.name), plan.to, now)
                : response
            }
            case "Anonymous": {
              if (plan.ended !== undefined) yield* sessions.delete(plan.ended)
              return HttpServerResponse.unsafeSetCookie(response, settings.name, settings.anonymous.encode(plan.data), {
                ...settings.options,
                maxAge: settings.persistent ? Duration.millis(policy.idle) : undefined
              })
            }
            case "End": {
              if (plan.ended !== undefined) yield* sessions.delete(plan.ended)
              return expire(response, settings.name, settings.options)
            }
            case "Create": {
              // Session fixation: a new identity, and the old one deleted.
              if (plan.ended !== undefined) yield* sessions.delete(plan.ended)
              const { id, key: created } = core.newId(plan.data.userId)
              const record = core.recordOf(plan.data, encodeData(plan.data), 0, now, core.expiresAt(policy, now, now))
              yield* sessions.set(created, record, undefined)
              if (record.userId !== undefined) yield* capSessions(record.userId, created)
              return setCookie(response, id, record.expiresAt, now)
            }
            case "Update": {
              const written = yield* update(change, now)
              if (written === undefined) return expire(response, settings.name, settings.options)
              return settings.persistent
                ? setCookie(response, core.idOf(request.headers.cookie, settings.name), written.expiresAt, now)
                : response
            }
          }
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
    }
  }
})
