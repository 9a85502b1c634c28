/**
 * Stateless sessions: the whole session in a signed or encrypted cookie. The
 * decisions are cookiePersistenceCore.ts's, shared by both lines.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Result from "effect/Result"
import * as core from "../../../src/core/cookiePersistence.js"
import { isEmpty, type SessionData } from "../../../src/core/sessionData.js"
import * as LoginError from "../LoginError.js"
import * as SessionCookie from "../SessionCookie.js"
import { type CookieSettings, expire, type Persistence } from "./persistence.js"

/** @internal */
export const cookie = (
  settings: CookieSettings & { readonly maxAgeMillis: number },
  codec: SessionCookie.Codec
): Persistence => {
  const decode = core.cachedDecode(settings.maxAgeMillis, (raw, now) => {
    const decoded = codec.decode(raw, now)
    return Result.isFailure(decoded) ? undefined : decoded.success
  })
  return {
    issue: (data) => Effect.succeed(codec.encode(data)),
    open: (request) => {
      // The value of the last session that passed the size check, so that it is encoded once.
      let checked: { readonly data: SessionData; readonly value: string } | undefined
      const loadSync = (now: number) => core.load(request.headers.cookie, settings.name, decode, now)
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
          const data = core.toWrite(change)
          if (data === undefined) return Exit.succeed(response)
          if (data === "Clear") return Exit.succeed(expire(response, settings.name, settings.options))
          const value = checked?.data === data ? checked.value : codec.encode(data)
          // The name and options were validated when the Layer was built; the value is base64url.
          return Exit.succeed(HttpServerResponse.setCookieUnsafe(response, settings.name, value, settings.options))
        },
        sessionsOf: (_, current) => Exit.succeed(core.sessionsOf(current)),
        endOthers: () => Exit.succeed(0)
      }
    }
  }
}
