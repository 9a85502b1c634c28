/**
 * A `Secure` cookie set in answer to a plain-http request to a host that is
 * not loopback is dropped by the browser without a word: the login seems to
 * work, then the user is anonymous. Said once per login manager, naming the
 * setting. The decision is secureCookiesCore.ts's, shared by both lines.
 *
 * @internal
 */
import * as Cookies from "@effect/platform/Cookies"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as core from "../core/secureCookies.js"

/**
 * A `Secure` cookie set in answer to this request will be dropped by the
 * browser: the request came over plain http (no TLS, no `X-Forwarded-Proto:
 * https`) to a host that is not loopback (where browsers make an exception).
 *
 * @internal
 */
export const secureCookieDropped: (request: HttpServerRequest.HttpServerRequest) => boolean = core.secureCookieDropped

/**
 * Logs the warning the first time `response` sets a cookie the browser will drop; `state.warned` keeps it once.
 *
 * @internal
 */
export const warnIfDropped = (
  state: { readonly enabled: boolean; warned: boolean },
  request: HttpServerRequest.HttpServerRequest,
  response: HttpServerResponse.HttpServerResponse
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  if (!state.enabled || state.warned || Cookies.isEmpty(response.cookies)) return Exit.succeed(response)
  if (!secureCookieDropped(request)) return Exit.succeed(response)
  state.warned = true
  return Effect.as(
    Effect.logWarning(core.warning(request.headers.host)),
    response
  )
}
