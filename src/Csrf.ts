/**
 * Cross-site request forgery protection, on by default: a state-changing
 * request (anything but GET, HEAD, OPTIONS, TRACE) that carries the session or
 * remember cookie must come from this site. The browser says where it comes
 * from, checked in the order Go's `http.CrossOriginProtection` uses:
 * `Sec-Fetch-Site` (`same-origin` or `none`), else `Origin` (this host or a
 * trusted origin), else `Referer`. A request with none of them is refused
 * too, unless `allowMissingOrigin` is set for non-browser clients.
 *
 * A login is checked whatever cookies the request carries (login CSRF: a
 * cross-site form logging the victim into the attacker's account); there, a
 * request with none of the headers comes from no browser and passes.
 *
 * Other requests without those cookies — API clients authenticated by a
 * request loader (API key, bearer) — are not affected. The check runs when a
 * handler first touches the session or the user, so a route opts out by
 * wrapping its handler (outermost) in {@link exempt}.
 *
 * Behind a proxy that rewrites `Host`, browsers still send `Sec-Fetch-Site`,
 * which is checked first; for older browsers list your public origin in
 * `trustedOrigins`.
 *
 * @since 0.1.0
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import * as csrf from "./core/csrf.js"
import * as csrfGuard from "./internal/csrfGuard.js"

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
  /**
   * Let through a request with our cookies but no `Sec-Fetch-Site`, `Origin`
   * or `Referer`: browsers always send one, so only non-browser clients with a
   * cookie jar need this. Default `false`.
   */
  readonly allowMissingOrigin?: boolean | undefined
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
 * @example
 * ```ts
 * import { HttpRouter, HttpServerResponse } from "@effect/platform"
 * import { Effect } from "effect"
 * import { Csrf } from "effect-login"
 *
 * // A webhook that authenticates with its own signature, posted from another site.
 * export const webhooks = HttpRouter.empty.pipe(
 *   HttpRouter.post("/webhooks/payments", Csrf.exempt(Effect.succeed(HttpServerResponse.empty({ status: 204 }))))
 * )
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const exempt = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.locally(self, currentExempt, true)

/**
 * True for methods that may change state: the ones the check applies to.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isStateChanging: (method: string) => boolean = csrf.isStateChanging

/**
 * Checks where a request comes from: `Right` when it is this site (the
 * request's own host) or a trusted origin, `Left` with the reason otherwise.
 * `Sec-Fetch-Site` first, then `Origin`, then `Referer`; with none of them,
 * `allowMissing` decides. With `secure` (cookies sent over HTTPS only), an
 * `http:` origin is not this site.
 *
 * @since 0.1.0
 * @category checks
 */
export const verifyOrigin = (
  request: HttpServerRequest.HttpServerRequest,
  options: {
    readonly trustedOrigins: ReadonlyArray<string>
    readonly secure: boolean
    readonly allowMissing?: boolean | undefined
  }
): Either.Either<void, string> => {
  const reason = csrf.originRefusal(request, options, csrfGuard.hostOf)
  return reason === undefined ? Either.void : Either.left(reason)
}
