/**
 * The checks of a login manager's options, made when its Layer is built: a
 * setting that would fail per request (or silently, in the browser) fails the
 * start-up instead, with a message that names it. Pure.
 *
 * @internal
 */
import * as Cookies from "effect/http/Cookies"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as LoginManager from "../LoginManager.js"
import type * as LoginOptions from "../LoginOptions.js"

const checkSecret = (name: string, secret: Redacted.Redacted): string | undefined => {
  const bytes = Buffer.byteLength(Redacted.value(secret), "utf8")
  const fix =
    `set it to at least ${LoginManager.minSecretBytes} random bytes, for example the output of \`openssl rand -base64 32\``
  return bytes === 0
    ? `${name} is empty: ${fix}`
    : bytes < LoginManager.minSecretBytes
    ? `${name} is ${bytes} bytes, too short to sign sessions safely: ${fix}`
    : undefined
}

// `URL.parse` is younger than Node 20.0.
const parseUrl = (text: string): URL | null => {
  try {
    return new URL(text)
  } catch {
    return null
  }
}

/** Why a login or refresh view cannot be redirected to: a path on this site, or an http(s) URL. */
const viewProblem = (view: string): string | undefined => {
  if (view.startsWith("/") && !view.startsWith("//")) return undefined
  const url = parseUrl(view)
  if (url === null || !(url.protocol === "http:" || url.protocol === "https:") || url.host === "") {
    return "use a path on this site (\"/login\") or an absolute http(s) URL (\"https://auth.example.com/login\")"
  }
  return undefined
}

/** The origin of an http(s) URL that is nothing but an origin; `undefined` otherwise. */
const originOf = (entry: string): string | undefined => {
  const url = parseUrl(entry)
  if (url === null || !(url.protocol === "http:" || url.protocol === "https:") || url.host === "") return undefined
  return url.pathname === "/" && url.search === "" && url.hash === "" ? url.origin : undefined
}

/**
 * The first problem of `options` (secrets, store limits, views, remember options), if any.
 *
 * @internal
 */
export const problem = (
  options: LoginOptions.Options,
  server: { readonly maxBytes: number; readonly maxPerUser: number } | undefined
): string | undefined => {
  const secret = [
    checkSecret("SECRET_KEY", options.secretKey),
    ...(options.previousSecretKeys ?? []).map((key, i) => checkSecret(`previous secret key #${i + 1}`, key))
  ].find((message) => message !== undefined)
  if (secret !== undefined) return secret
  if (server !== undefined) {
    for (const [name, value] of [["maxSessionBytes", server.maxBytes], ["maxSessionsPerUser", server.maxPerUser]]) {
      if (!(Number.isInteger(value) && (value as number) > 0)) return `Invalid ${name} ${value}: a positive integer`
    }
    if (options.remember?.refreshEachRequest === true) {
      return "remember.refreshEachRequest (REMEMBER_COOKIE_REFRESH_EACH_REQUEST) cannot be used with a " +
        "session store: a remember token there has a fixed lifetime, which its use never extends, so that a " +
        "copied token cannot be kept alive. Remove the option, or lengthen remember.duration."
    }
  }
  const views = [["loginView (LOGIN_VIEW)", options.loginView], ["refreshView (REFRESH_VIEW)", options.refreshView]]
  for (const [name, view] of views) {
    const reason = view === undefined ? undefined : viewProblem(view)
    if (reason !== undefined) return `Invalid ${name} ${JSON.stringify(view)}: ${reason}`
  }
  return undefined
}

/**
 * The trusted origins, normalized; or what is wrong with one of them.
 *
 * @internal
 */
export const trustedOrigins = (options: LoginOptions.Options): Result.Result<ReadonlyArray<string>, string> => {
  const origins: Array<string> = []
  for (const entry of options.csrf?.trustedOrigins ?? []) {
    const origin = originOf(entry)
    if (origin === undefined) {
      return Result.fail(
        `Invalid csrf.trustedOrigins (CSRF_TRUSTED_ORIGINS) entry ${JSON.stringify(entry)}: ` +
          `an origin is an http(s) scheme and host, like "https://admin.example.com"`
      )
    }
    origins.push(origin)
  }
  return Result.succeed(origins)
}

/**
 * What is wrong with a cookie's name and attributes: browsers drop such a cookie without a word.
 *
 * @internal
 */
export const cookieProblem = (what: string, name: string, options: Cookies.Cookie["options"]): string | undefined => {
  if (options?.sameSite === "none" && options.secure !== true) {
    return `A SameSite=None ${what} cookie must also be Secure`
  }
  const prefix = name.startsWith("__Host-")
    ? options?.secure !== true || options.path !== "/" || options.domain !== undefined
      ? "a __Host- cookie must be Secure, with Path=/ and no Domain"
      : undefined
    : name.startsWith("__Secure-") && options?.secure !== true
    ? "a __Secure- cookie must be Secure"
    : undefined
  if (prefix !== undefined) return `Invalid ${what} cookie ${name}: ${prefix}`
  const probe = Cookies.makeCookie(name, "probe", options)
  // The Effect 3 line's reason names (InvalidName…): Effect 4's tags say Cookie once more (InvalidCookieName…).
  return Result.isFailure(probe)
    ? `Invalid ${what} cookie options: ${probe.failure.reason._tag.replace("Cookie", "")}`
    : undefined
}
