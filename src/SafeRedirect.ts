/**
 * Safe redirects: a `next` parameter is honoured only when it is a relative
 * path on this site, and login URLs carry `next` percent-encoded as
 * Flask-Login writes it (`/login?next=%2Fprotected%3Fx%3D1`).
 *
 * @since 0.1.0
 */

// Longer values are not paths a user clicked; refusing them bounds the work.
const maxNextLength = 2048
// Control characters (C0, DEL, C1) and backslashes: browsers strip or rewrite them,
// which turns `/\evil.com` or `/<TAB>/evil.com` into `//evil.com`.

const unsafeCharacter = /[\u0000-\u001f\u007f-\u009f\\]/
const probeOrigin = "http://effect-login.invalid"

const decodeOnce = (value: string): string | undefined => {
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}

const isSafePath = (value: string): boolean =>
  value.startsWith("/") && !value.startsWith("//") && !unsafeCharacter.test(value)

/**
 * True when `value` is a path on this site: it starts with a single `/`, has
 * no backslash or control character, stays on this origin when a browser
 * resolves it, and is still all of that once percent-decoded (so that
 * `/%2F%2Fevil.com` or `%2F%5Cevil.com` are refused too).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isSafeNext = (value: string): boolean => {
  if (value.length > maxNextLength || !isSafePath(value)) return false
  const decoded = decodeOnce(value)
  if (decoded === undefined || !isSafePath(decoded)) return false
  // Defence in depth: the checks above already keep every value on this origin, so no input reaches a
  // `false` here, and mutation testing could only call its mutants equivalent.
  // Stryker disable next-line all
  return URL.canParse(value, probeOrigin) && new URL(value, probeOrigin).origin === probeOrigin
}

// What a header value may not hold as is: anything outside printable ASCII (the control characters
// are refused before this). Node refuses such a `Location`, which would be a 500 after the login was saved.
const notHeaderSafe = /[^\x21-\x7e]+/gu

/**
 * `value` when it is a safe `next` (see {@link isSafeNext}), else `fallback`;
 * non-ASCII characters and spaces percent-encoded (`/佐藤` → `/%E4%BD%90%E8%97%A4`),
 * so that it can always be sent as a `Location`.
 *
 * @example
 * ```ts
 * import { SafeRedirect } from "effect-login"
 *
 * console.log(SafeRedirect.safeNext("/orders?id=7")) // "/orders?id=7"
 * console.log(SafeRedirect.safeNext("//evil.example/")) // "/": another site is never followed
 * console.log(SafeRedirect.safeNext(undefined, "/home")) // "/home"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const safeNext = (value: string | null | undefined, fallback = "/"): string =>
  typeof value === "string" && isSafeNext(value) ? value.replace(notHeaderSafe, encodeURIComponent) : fallback

/**
 * The URL of a login view with `next` added, keeping the view's own query
 * parameters. `loginView` is a path or an absolute URL.
 *
 * @since 0.1.0
 * @category constructors
 */
export const loginUrl = (loginView: string, next: string): string => {
  const absolute = /^https?:\/\//i.test(loginView)
  const url = new URL(loginView, probeOrigin)
  url.searchParams.set("next", next)
  return absolute ? url.href : `${url.pathname}${url.search}${url.hash}`
}
