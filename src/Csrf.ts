/**
 * Cross-site request forgery protection, on by default: a state-changing
 * request (anything but GET, HEAD, OPTIONS, TRACE) that carries the session or
 * remember cookie must come from this site. The browser says where it comes
 * from: `Origin`, or else `Sec-Fetch-Site`, or else `Referer`. A request with
 * none of them is refused too.
 *
 * Requests without those cookies — API clients authenticated by a request
 * loader (API key, bearer) — are not affected. The check runs when a handler
 * first touches the session or the user, so a route opts out by wrapping its
 * handler (outermost) in {@link exempt}.
 *
 * @since 0.1.0
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import * as Option from "effect/Option"

/**
 * The CSRF settings of `LoginManager` (its `csrf` option).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default `true`. */
  readonly enabled?: boolean | undefined
  /** Other origins allowed to send state-changing requests, e.g. `https://admin.example.com`. */
  readonly trustedOrigins?: ReadonlyArray<string> | undefined
}

/**
 * Whether the current route skips the check.
 *
 * @since 0.1.0
 * @category references
 */
export const currentExempt: FiberRef.FiberRef<boolean> = globalValue(
  Symbol.for("effect-login/Csrf/currentExempt"),
  () => FiberRef.unsafeMake(false)
)

/**
 * Lets a handler (or a router, with `HttpRouter.use`) receive cross-site
 * state-changing requests with the user's cookies: for endpoints that must,
 * such as an OAuth `form_post` callback. Wrap it outermost, around `loginRequired`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const exempt = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.locally(self, currentExempt, true)

const safeMethods = new Set(["GET", "HEAD", "OPTIONS", "TRACE"])

/**
 * True for methods that may change state: the ones the check applies to.
 *
 * @since 0.1.0
 * @category predicates
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
 * Checks where a request comes from: `Right` when it is this site (the
 * request's own host) or a trusted origin, `Left` with the reason otherwise.
 * With `secure` (cookies sent over HTTPS only), an `http:` origin is not this
 * site.
 *
 * @since 0.1.0
 * @category checks
 */
export const verifyOrigin = (
  request: HttpServerRequest.HttpServerRequest,
  options: { readonly trustedOrigins: ReadonlyArray<string>; readonly secure: boolean }
): Either.Either<void, string> => {
  // The request's own host, as the platform reads it (the Host header).
  const host = Option.match(HttpServerRequest.toURL(request), { onNone: () => undefined, onSome: (url) => url.host })
  const sameSite = (origin: string | undefined) => {
    if (origin === undefined) return false
    if (options.trustedOrigins.includes(origin)) return true
    const url = new URL(origin)
    return host !== undefined && url.host === host && (!options.secure || url.protocol === "https:")
  }
  const origin = request.headers.origin
  if (origin !== undefined) {
    return sameSite(origin === "null" ? undefined : originOf(origin))
      ? Either.void
      : Either.left(`the Origin ${JSON.stringify(origin)} is not this site`)
  }
  const fetchSite = request.headers["sec-fetch-site"]
  if (fetchSite !== undefined) {
    return fetchSite === "same-origin" || fetchSite === "none"
      ? Either.void
      : Either.left(`Sec-Fetch-Site is ${JSON.stringify(fetchSite)}`)
  }
  const referer = request.headers.referer
  if (referer !== undefined) {
    return sameSite(originOf(referer)) ? Either.void : Either.left("the Referer is not this site")
  }
  return Either.left("the request has no Origin, Sec-Fetch-Site or Referer")
}
