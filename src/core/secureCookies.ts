/**
 * When a `Secure` cookie will be dropped by the browser, shared by both lines
 * (no Effect): the request came over plain http (no TLS, no
 * `X-Forwarded-Proto: https`) to a host that is not loopback (where browsers
 * make an exception); and the warning that names the setting. A request is
 * anything with headers and a `source` (the runtime's request), which both
 * lines' `HttpServerRequest` are.
 *
 * @internal
 */

const loopback = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i

/**
 * A `Secure` cookie set in answer to this request will be dropped by the browser.
 *
 * @internal
 */
export const secureCookieDropped = (
  request: { readonly source: unknown; readonly headers: Readonly<Record<string, string | undefined>> }
): boolean => {
  const source = request.source as { readonly socket?: { readonly encrypted?: boolean } } | undefined
  if (source?.socket?.encrypted === true) return false
  const forwarded = request.headers["x-forwarded-proto"]
  if (forwarded !== undefined && forwarded.split(",")[0]!.trim().toLowerCase() === "https") return false
  const host = request.headers.host
  return host !== undefined && !loopback.test(host)
}

/**
 * The warning, once per login manager.
 *
 * @internal
 */
export const warning = (host: string | undefined): string =>
  `effect-login: a Secure cookie was set in answer to a plain-http request to ${host}; ` +
  "browsers drop it (except on localhost), so logins will not hold. Serve over https (behind a proxy, " +
  "have it send X-Forwarded-Proto: https), or set cookie.secure: false (SESSION_COOKIE_SECURE=false) " +
  "for plain-http development"
