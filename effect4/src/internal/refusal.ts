/**
 * How a request is refused: anonymous on a route that requires a login
 * (unauthorized), a stale login on a fresh-only route (needs refresh), or a
 * cross-site request (CSRF). The router integration answers with these
 * responses; the HttpApi integration with its schema errors, under the same
 * messages and events. The decisions are refusalCore.ts's, shared by both lines.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Option from "effect/Option"
import * as core from "../../../src/core/refusal.js"
import type * as sessionData from "../../../src/core/sessionData.js"

/** @internal */
export type Flash = core.Flash

/**
 * How the application wants refusals answered (Flask-Login's views, messages and handlers).
 *
 * @internal
 */
export interface Settings {
  readonly loginView: string | undefined
  readonly refreshView: string | undefined
  readonly useSessionForNext: boolean
  readonly loginMessage: Flash | undefined
  readonly needsRefreshMessage: Flash | undefined
  readonly localize: (message: string, request: HttpServerRequest.HttpServerRequest) => string
  readonly onUnauthorized: Handler | undefined
  readonly onNeedsRefresh: Handler | undefined
}

/** @internal */
export type Handler = Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>

/** @internal */
export const messages = core.messages

/** @internal */
export type Kind = core.Kind

/**
 * 401, with a JSON body for clients that accept JSON.
 *
 * @internal
 */
export const unauthorized = (
  request: HttpServerRequest.HttpServerRequest,
  kind: Kind
): HttpServerResponse.HttpServerResponse =>
  core.wantsJson(request)
    ? HttpServerResponse.jsonUnsafe(core.unauthorizedBody(kind), { status: 401 })
    : HttpServerResponse.text("Unauthorized", { status: 401 })

/** @internal */
export const csrfRejected = (
  request: HttpServerRequest.HttpServerRequest,
  reason: string
): HttpServerResponse.HttpServerResponse => {
  const message = core.csrfMessage(reason)
  return core.wantsJson(request)
    ? HttpServerResponse.jsonUnsafe({ error: "CsrfRejected", message }, { status: 403 })
    : HttpServerResponse.text(message, { status: 403 })
}

/**
 * Where the login (or refresh) view sends the user back: the path and query,
 * or the full URL when the view is on another site.
 *
 * @internal
 */
export const next = (request: HttpServerRequest.HttpServerRequest, view: string): string =>
  core.next(Option.getOrUndefined(HttpServerRequest.toURL(request)), view)

/**
 * The answer to a refused request: the application's handler; else a 302 to
 * `view` with `next` (in the query, or kept in the session) and a flashed
 * message; else 401. `keep` writes the flash and `next` to the session; if it
 * cannot, they are lost, not the redirect.
 *
 * @internal
 */
export const respond = (
  settings: Settings,
  request: HttpServerRequest.HttpServerRequest,
  kind: Kind,
  view: string | undefined,
  keep: (mutation: sessionData.Mutation) => Effect.Effect<void, unknown>
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  const handler = kind === "Unauthorized" ? settings.onUnauthorized : settings.onNeedsRefresh
  if (handler !== undefined) return Effect.provideService(handler, HttpServerRequest.HttpServerRequest, request)
  if (view === undefined) return Exit.succeed(unauthorized(request, kind))
  const { keep: kept, location } = core.redirect(
    settings,
    kind,
    view,
    next(request, view),
    (message) => settings.localize(message, request)
  )
  const response = HttpServerResponse.redirect(location, { status: 302 })
  if (kept === undefined) return Exit.succeed(response)
  return keep(kept).pipe(
    Effect.catch((error) => Effect.logWarning("effect-login: could not keep the flash or next", error)),
    Effect.as(response)
  )
}
