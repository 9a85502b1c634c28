/**
 * Cross-site request forgery: a state-changing request that carries this
 * library's cookies must come from this site. Checked before the session is
 * first used; a request without our cookies has no session to abuse, but a
 * login it makes is checked too (login CSRF). The decisions are csrfCore.ts's,
 * shared by both lines; this module gives them the request's host.
 *
 * @internal
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Option from "effect/Option"
import * as csrf from "../core/csrf.js"

/** @internal */
export type Settings = csrf.Settings

/**
 * The request's own host, as the platform reads it (the Host header).
 *
 * @internal
 */
export const hostOf = (request: HttpServerRequest.HttpServerRequest): string | undefined =>
  Option.match(HttpServerRequest.toURL(request), { onNone: () => undefined, onSome: (url) => url.host })

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
): string | undefined => csrf.check(request, settings, isExempt, hostOf)

/**
 * The reason to refuse a login made by `request`, whatever cookies it
 * carries (login CSRF).
 *
 * @internal
 */
export const checkLogin = (
  request: HttpServerRequest.HttpServerRequest,
  settings: Settings | undefined,
  isExempt: () => boolean
): string | undefined => csrf.checkLogin(request, settings, isExempt, hostOf)
