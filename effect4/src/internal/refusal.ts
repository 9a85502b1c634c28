/**
 * How a request is refused: anonymous on a route that requires a login
 * (unauthorized), a stale login on a fresh-only route (needs refresh), or a
 * cross-site request (CSRF). The router integration answers with these
 * responses; the HttpApi integration with its schema errors, under the same
 * messages and events.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Option from "effect/Option"
import * as sessionData from "../../../src/internal/sessionData.js"
import * as SafeRedirect from "../../../src/SafeRedirect.js"

/** @internal */
export interface Flash {
  readonly message: string
  readonly category: string
}

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
export const messages = {
  Unauthorized: "Login required",
  NeedsRefresh: "A fresh login is required"
} as const

/** @internal */
export type Kind = keyof typeof messages

const wantsJson = (request: HttpServerRequest.HttpServerRequest) =>
  (request.headers.accept ?? "").includes("application/json")

/**
 * 401, with a JSON body for clients that accept JSON.
 *
 * @internal
 */
export const unauthorized = (
  request: HttpServerRequest.HttpServerRequest,
  kind: Kind
): HttpServerResponse.HttpServerResponse =>
  wantsJson(request)
    ? HttpServerResponse.jsonUnsafe({ error: kind, message: messages[kind] }, { status: 401 })
    : HttpServerResponse.text("Unauthorized", { status: 401 })

/** @internal */
export const csrfRejected = (
  request: HttpServerRequest.HttpServerRequest,
  reason: string
): HttpServerResponse.HttpServerResponse => {
  const message = `Cross-site request refused: ${reason}`
  return wantsJson(request)
    ? HttpServerResponse.jsonUnsafe({ error: "CsrfRejected", message }, { status: 403 })
    : HttpServerResponse.text(message, { status: 403 })
}

const absoluteUrl = /^https?:\/\//i

/**
 * Where the login (or refresh) view sends the user back: the path and query,
 * or the full URL when the view is on another site.
 *
 * @internal
 */
export const next = (request: HttpServerRequest.HttpServerRequest, view: string): string => {
  const url = HttpServerRequest.toURL(request)
  if (Option.isNone(url)) return "/"
  const path = `${url.value.pathname}${url.value.search}`
  return absoluteUrl.test(view) && new URL(view).origin !== url.value.origin ? url.value.href : path
}

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
  const flash = kind === "Unauthorized" ? settings.loginMessage : settings.needsRefreshMessage
  const message = flash === undefined ? undefined : settings.localize(flash.message, request)
  const back = next(request, view)
  const response = HttpServerResponse.redirect(
    settings.useSessionForNext ? view : SafeRedirect.loginUrl(view, back),
    { status: 302 }
  )
  if (message === undefined && !settings.useSessionForNext) return Exit.succeed(response)
  const kept = sessionData.withFlash(
    message === undefined ? undefined : [flash!.category, message],
    settings.useSessionForNext ? back : undefined
  )
  return keep(kept).pipe(
    Effect.catch((error) => Effect.logWarning("effect-login: could not keep the flash or next", error)),
    Effect.as(response)
  )
}
