/**
 * Stateless sessions: the whole session in a signed or encrypted cookie.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Result from "effect/Result"
import { BoundedCache } from "../../../src/internal/boundedCache.js"
import * as cookieHeader from "../../../src/internal/cookieHeader.js"
import { isEmpty, type SessionData } from "../../../src/internal/sessionData.js"
import * as LoginError from "../LoginError.js"
import * as SessionCookie from "../SessionCookie.js"
import { type CookieSettings, expire, type Loaded, type Persistence } from "./persistence.js"

// Cookies verified recently, by their exact value: a repeat costs a lookup, not an HMAC. Only
// verified cookies enter, the expiry is checked again on every hit, and large values are not kept.
const verifiedCacheSize = 4096
const verifiedCacheMaxValue = 1024

/** @internal */
export const cookie = (
  settings: CookieSettings & { readonly maxAgeMillis: number },
  codec: SessionCookie.Codec
): Persistence => {
  const verified = new BoundedCache<SessionCookie.Decoded>(verifiedCacheSize)
  const decode = (raw: string, now: number): SessionCookie.Decoded | undefined => {
    const cached = verified.get(raw)
    if (cached !== undefined) return now - cached.session.issuedAt < settings.maxAgeMillis ? cached : undefined
    const decoded = codec.decode(raw, now)
    if (Result.isFailure(decoded)) return undefined
    if (raw.length <= verifiedCacheMaxValue) verified.set(raw, decoded.success)
    return decoded.success
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
            return new LoginError.SessionTooLarge({ bytes, limit: SessionCookie.maxCookieBytes })
          }
          checked = { data: next, value }
          return undefined
        },
        commit: (change, response) => {
          if (change.dirty && change.data !== undefined && !isEmpty(change.data)) {
            const value = checked?.data === change.data ? checked.value : codec.encode(change.data)
            // The name and options were validated when the Layer was built; the value is base64url.
            return Exit.succeed(HttpServerResponse.setCookieUnsafe(response, settings.name, value, settings.options))
          }
          return Exit.succeed(change.dirty ? expire(response, settings.name, settings.options) : response)
        },
        sessionsOf: (_, current) =>
          Exit.succeed([{
            kind: "session",
            current: true,
            createdAt: current.issuedAt,
            expiresAt: undefined,
            lastUsedAt: undefined,
            userAgent: undefined
          }]),
        endOthers: () => Exit.succeed(0)
      }
    }
  }
}
