/**
 * Where a session lives between requests: in the cookie itself (signed or
 * encrypted, cookiePersistence.ts), or in a `SessionStore` with only a random
 * id in the cookie (storePersistence.ts). This module holds what both share.
 * The request logic (internal/requestSession.ts) is the same for both: this
 * module reads the session once per request, writes it back in the
 * pre-response step, and reaches the user's other sessions.
 *
 * @internal
 */
import type * as Effect from "effect/Effect"
import type * as Cookies from "effect/http/Cookies"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import type { SessionData } from "../../../src/core/sessionData.js"
import type { Change, Loaded } from "../../../src/core/sessionJournal.js"
import type * as LoginError from "../LoginError.js"
import type * as Session from "../Session.js"

export type { Change, Loaded }

/**
 * The persistence of one request's session.
 *
 * @internal
 */
export interface Handle {
  readonly load: (now: number) => Effect.Effect<Loaded, LoginError.SessionStoreError>
  /** The same, when it needs no I/O (the cookie): the hot path runs it without fibers or deferreds. */
  readonly loadSync: ((now: number) => Loaded) | undefined
  /** Refuses a session that cannot be written (a cookie over 4 KB). */
  readonly check: (next: SessionData) => LoginError.SessionTooLarge | undefined
  /** Writes what changed and sets or clears the cookie. */
  readonly commit: (change: Change, response: HttpServerResponse.HttpServerResponse) => Effect.Effect<
    HttpServerResponse.HttpServerResponse
  >
  /**
   * The sessions and remember series of `userId`: all of them in a store
   * (`rememberKey` is this browser's series), only this one in a cookie.
   */
  readonly sessionsOf: (
    userId: string,
    current: SessionData,
    rememberKey: string | undefined
  ) => Effect.Effect<ReadonlyArray<Session.SessionInfo>, LoginError.SessionStoreError>
  /**
   * Ends the other sessions and remember series of `userId` but this one and
   * those in `keep` (a store only; a cookie cannot reach them): how many.
   */
  readonly endOthers: (
    userId: string,
    keep: ReadonlyArray<string>
  ) => Effect.Effect<number, LoginError.SessionStoreError>
}

/** @internal */
export interface Persistence {
  readonly open: (request: HttpServerRequest.HttpServerRequest) => Handle
  /** A new session, made without a request: the cookie value (for test clients and tools). */
  readonly issue: (data: SessionData, now: number) => Effect.Effect<string, LoginError.SessionStoreError>
}

/**
 * Clears a cookie with the attributes it was set with: browsers only delete a cookie they can match.
 *
 * @internal
 */
export const expire = (
  response: HttpServerResponse.HttpServerResponse,
  name: string,
  options: Cookies.Cookie["options"]
) => {
  const { expires: _expires, maxAge: _maxAge, ...rest } = options ?? {}
  // `Max-Age=0` alone, as on the Effect 3 line: Effect 4's `expireCookie` adds an `Expires` in 1970.
  return HttpServerResponse.setCookieUnsafe(response, name, "", { ...rest, maxAge: 0 })
}

/**
 * The response depends on the cookie: shared caches must not serve it to someone else.
 *
 * @internal
 */
export const varyOnCookie = (
  response: HttpServerResponse.HttpServerResponse
): HttpServerResponse.HttpServerResponse => {
  const vary = response.headers["vary"]
  return vary === undefined
    ? HttpServerResponse.setHeader(response, "vary", "Cookie")
    : /\bcookie\b/i.test(vary)
    ? response
    : HttpServerResponse.setHeader(response, "vary", `${vary}, Cookie`)
}

/** @internal */
export interface CookieSettings {
  readonly name: string
  readonly options: Cookies.Cookie["options"]
}
