/**
 * Cross-site request forgery: a state-changing request that carries this
 * library's cookies must come from this site. Checked before the session is
 * first used; a request without our cookies has no session to abuse, but a
 * login it makes is checked too (login CSRF).
 *
 * @internal
 */
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as Result from "effect/Result"
import * as cookieHeader from "../../../src/internal/cookieHeader.js"
import * as Csrf from "../Csrf.js"

/** @internal */
export interface Settings {
  readonly trustedOrigins: ReadonlyArray<string>
  /** The session cookie is `Secure`: only an https origin is this site. */
  readonly secure: boolean
  /** The cookies whose presence makes the check due: the session and the remember cookie. */
  readonly cookieNames: ReadonlyArray<string>
  /** Requests with our cookies and none of the headers pass (non-browser clients). */
  readonly allowMissing: boolean
}

/**
 * The reason to refuse `request`, or `undefined` to let it through.
 * `isExempt` (the route opted out with `Csrf.exempt`) is asked only when the
 * check is due.
 *
 * @internal
 */
export const check = (
  request: HttpServerRequest.HttpServerRequest,
  settings: Settings | undefined,
  isExempt: () => boolean
): string | undefined => {
  if (settings === undefined || !Csrf.isStateChanging(request.method)) return undefined
  if (!carriesOurCookies(request, settings)) return undefined
  if (isExempt()) return undefined
  const verdict = Csrf.verifyOrigin(request, { ...settings, allowMissing: settings.allowMissing })
  return Result.isFailure(verdict) ? verdict.failure : undefined
}

const carriesOurCookies = (request: HttpServerRequest.HttpServerRequest, settings: Settings): boolean => {
  const header = request.headers.cookie
  return settings.cookieNames.some((name) => cookieHeader.readCookie(header, name) !== undefined)
}

/**
 * The reason to refuse a login made by `request`, whatever cookies it
 * carries (login CSRF). A request with our cookies was checked when its
 * session was read; one without, from no browser (none of the headers), passes.
 *
 * @internal
 */
export const checkLogin = (
  request: HttpServerRequest.HttpServerRequest,
  settings: Settings | undefined,
  isExempt: () => boolean
): string | undefined => {
  if (settings === undefined || !Csrf.isStateChanging(request.method)) return undefined
  if (carriesOurCookies(request, settings) || isExempt()) return undefined
  const verdict = Csrf.verifyOrigin(request, { ...settings, allowMissing: true })
  return Result.isFailure(verdict) ? verdict.failure : undefined
}
