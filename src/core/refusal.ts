/**
 * How a refused request is answered, decided without Effect and shared by
 * both lines: the messages, JSON or text by the request's `Accept`, the
 * `next` a login view sends the user back to (the path and query, or the full
 * URL when the view is on another site), and the redirect to the view with
 * its flashed message and `next` (in the query, or kept in the session).
 * Each line's refusal.ts builds the responses and runs the application's handlers.
 *
 * @internal
 */
import * as SafeRedirect from "../SafeRedirect.js"
import * as sessionData from "./sessionData.js"

/** @internal */
export interface Flash {
  readonly message: string
  readonly category: string
}

/** @internal */
export const messages = {
  Unauthorized: "Login required",
  NeedsRefresh: "A fresh login is required"
} as const

/** @internal */
export type Kind = keyof typeof messages

/**
 * The client accepts JSON: a refusal's body is JSON, not text.
 *
 * @internal
 */
export const wantsJson = (request: { readonly headers: Readonly<Record<string, string | undefined>> }): boolean =>
  (request.headers.accept ?? "").includes("application/json")

/** @internal */
export const unauthorizedBody = (kind: Kind): { readonly error: Kind; readonly message: string } => ({
  error: kind,
  message: messages[kind]
})

/** @internal */
export const csrfMessage = (reason: string): string => `Cross-site request refused: ${reason}`

const absoluteUrl = /^https?:\/\//i

/**
 * Where the login (or refresh) view sends the user back: the path and query,
 * or the full URL when the view is on another site; "/" when the request's
 * URL is unknown.
 *
 * @internal
 */
export const next = (
  url:
    | { readonly pathname: string; readonly search: string; readonly origin: string; readonly href: string }
    | undefined,
  view: string
): string => {
  if (url === undefined) return "/"
  const path = `${url.pathname}${url.search}`
  return absoluteUrl.test(view) && new URL(view).origin !== url.origin ? url.href : path
}

/**
 * The redirect to `view`, and what to keep in the session for it (the
 * flashed message, and `next` with `useSessionForNext`); `keep` is
 * `undefined` when there is nothing to keep.
 *
 * @internal
 */
export const redirect = (
  settings: {
    readonly useSessionForNext: boolean
    readonly loginMessage: Flash | undefined
    readonly needsRefreshMessage: Flash | undefined
  },
  kind: Kind,
  view: string,
  back: string,
  localize: (message: string) => string
): { readonly location: string; readonly keep: sessionData.Mutation | undefined } => {
  const flash = kind === "Unauthorized" ? settings.loginMessage : settings.needsRefreshMessage
  const message = flash === undefined ? undefined : localize(flash.message)
  const location = settings.useSessionForNext ? view : SafeRedirect.loginUrl(view, back)
  if (message === undefined && !settings.useSessionForNext) return { location, keep: undefined }
  return {
    location,
    keep: sessionData.withFlash(
      message === undefined ? undefined : [flash!.category, message],
      settings.useSessionForNext ? back : undefined
    )
  }
}
