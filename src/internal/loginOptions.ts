/**
 * The checks of a login manager's options, made when its Layer is built: a
 * setting that would fail per request (or silently, in the browser) fails the
 * start-up instead, with a message that names it. The checks are
 * loginOptionsCore.ts's, shared by both lines.
 *
 * @internal
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as core from "../core/loginOptions.js"
import type * as LoginOptions from "../LoginOptions.js"

/**
 * The first problem of `options` (secrets, store limits, views, remember options), if any.
 *
 * @internal
 */
export const problem = (
  options: LoginOptions.Options,
  server: { readonly maxBytes: number; readonly maxPerUser: number } | undefined
): string | undefined =>
  core.problem(options, [options.secretKey, ...(options.previousSecretKeys ?? [])].map(Redacted.value), server)

/**
 * The trusted origins, normalized; or what is wrong with one of them.
 *
 * @internal
 */
export const trustedOrigins = (options: LoginOptions.Options): Either.Either<ReadonlyArray<string>, string> => {
  const checked = core.trustedOrigins(options.csrf?.trustedOrigins ?? [])
  return checked._tag === "Problem" ? Either.left(checked.problem) : Either.right(checked.origins)
}

/**
 * What is wrong with a cookie's name and attributes: browsers drop such a cookie without a word.
 *
 * @internal
 */
export const cookieProblem = (what: string, name: string, options: Cookies.Cookie["options"]): string | undefined => {
  const problem = core.cookieProblem(what, name, options)
  if (problem !== undefined) return problem
  const probe = Cookies.makeCookie(name, "probe", options)
  return Either.isLeft(probe) ? `Invalid ${what} cookie options: ${probe.left.reason}` : undefined
}
