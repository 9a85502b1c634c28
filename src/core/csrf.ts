/**
 * Cross-site request forgery, decided without Effect and shared by both
 * lines: which methods change state, whether a request comes from this site
 * or a trusted origin (`Sec-Fetch-Site`, then `Origin`, then `Referer`), and
 * when the check is due (a state-changing request that carries our cookies,
 * or any login). A request is anything with a method and headers, which both
 * lines' `HttpServerRequest` are; its host comes from the line's platform.
 *
 * @internal
 */
import * as cookieHeader from "./cookieHeader.js"

/**
 * What the checks read of a request.
 *
 * @internal
 */
export interface OriginRequest {
  readonly method: string
  readonly headers: Readonly<Record<string, string | undefined>>
}

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

const safeMethods = new Set(["GET", "HEAD", "OPTIONS", "TRACE"])

/**
 * True for methods that may change state: the ones the check applies to.
 *
 * @internal
 */
export const isStateChanging = (method: string): boolean => !safeMethods.has(method.toUpperCase())

const originOf = (url: string): string | undefined => {
  try {
    const parsed = new URL(url)
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : undefined
  } catch {
    return undefined
  }
}

/**
 * Why a request is not from this site (the request's own host, read by
 * `hostOf` only when needed) or a trusted origin; `undefined` when it is.
 * `Sec-Fetch-Site` first, then `Origin`, then `Referer`; with none of them,
 * `allowMissing` decides. With `secure`, an `http:` origin is not this site.
 *
 * @internal
 */
export const originRefusal = <R extends Pick<OriginRequest, "headers">>(
  request: R,
  options: {
    readonly trustedOrigins: ReadonlyArray<string>
    readonly secure: boolean
    readonly allowMissing?: boolean | undefined
  },
  hostOf: (request: R) => string | undefined
): string | undefined => {
  const origin = request.headers.origin
  const trusted = origin !== undefined && options.trustedOrigins.includes(originOf(origin) ?? "")
  const fetchSite = request.headers["sec-fetch-site"]
  if (fetchSite !== undefined) {
    return fetchSite === "same-origin" || fetchSite === "none" || trusted
      ? undefined
      : `Sec-Fetch-Site is ${JSON.stringify(fetchSite)}`
  }
  const host = hostOf(request)
  const sameSite = (candidate: string | undefined) => {
    if (candidate === undefined) return false
    if (options.trustedOrigins.includes(candidate)) return true
    const url = new URL(candidate)
    return host !== undefined && url.host === host && (!options.secure || url.protocol === "https:")
  }
  if (origin !== undefined) {
    return sameSite(origin === "null" ? undefined : originOf(origin))
      ? undefined
      : `the Origin ${JSON.stringify(origin)} is not this site`
  }
  const referer = request.headers.referer
  if (referer !== undefined) {
    return sameSite(originOf(referer)) ? undefined : "the Referer is not this site"
  }
  return options.allowMissing === true ? undefined : "the request has no Origin, Sec-Fetch-Site or Referer"
}

const carriesOurCookies = (request: OriginRequest, settings: Settings): boolean => {
  const header = request.headers.cookie
  return settings.cookieNames.some((name) => cookieHeader.readCookie(header, name) !== undefined)
}

/**
 * The reason to refuse `request`, or `undefined` to let it through.
 * `isExempt` (the route opted out with `Csrf.exempt`) is asked only when the
 * check is due.
 *
 * @internal
 */
export const check = <R extends OriginRequest>(
  request: R,
  settings: Settings | undefined,
  isExempt: () => boolean,
  hostOf: (request: R) => string | undefined
): string | undefined => {
  if (settings === undefined || !isStateChanging(request.method)) return undefined
  if (!carriesOurCookies(request, settings)) return undefined
  if (isExempt()) return undefined
  return originRefusal(request, settings, hostOf)
}

/**
 * The reason to refuse a login made by `request`, whatever cookies it
 * carries (login CSRF). A request with our cookies was checked when its
 * session was read; one without, from no browser (none of the headers), passes.
 *
 * @internal
 */
export const checkLogin = <R extends OriginRequest>(
  request: R,
  settings: Settings | undefined,
  isExempt: () => boolean,
  hostOf: (request: R) => string | undefined
): string | undefined => {
  if (settings === undefined || !isStateChanging(request.method)) return undefined
  if (carriesOurCookies(request, settings) || isExempt()) return undefined
  return originRefusal(request, { ...settings, allowMissing: true }, hostOf)
}
