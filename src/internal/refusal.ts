/**
 * How a request is refused: anonymous on a route that requires a login
 * (unauthorized), a stale login on a fresh-only route (needs refresh), or a
 * cross-site request (CSRF). The router integration answers with these
 * responses; the HttpApi integration with its schema errors, under the same
 * messages and events.
 *
 * @internal
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Option from "effect/Option"
import * as SafeRedirect from "../SafeRedirect.js"

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
    ? HttpServerResponse.unsafeJson({ error: kind, message: messages[kind] }, { status: 401 })
    : HttpServerResponse.text("Unauthorized", { status: 401 })

/** @internal */
export const csrfRejected = (
  request: HttpServerRequest.HttpServerRequest,
  reason: string
): HttpServerResponse.HttpServerResponse => {
  const message = `Cross-site request refused: ${reason}`
  return wantsJson(request)
    ? HttpServerResponse.unsafeJson({ error: "CsrfRejected", message }, { status: 403 })
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
 * The redirect to `view`: `next` in the query, or (`useSessionForNext`) kept in the session.
 *
 * @internal
 */
export const redirect = (
  view: string,
  next: string,
  useSessionForNext: boolean
): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.redirect(useSessionForNext ? view : SafeRedirect.loginUrl(view, next), { status: 302 })
