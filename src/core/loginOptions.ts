/**
 * The checks of a login manager's options, shared by both lines (no Effect):
 * secrets long enough to sign with, store limits that are positive integers,
 * no `refreshEachRequest` with a store, login and refresh views that can be
 * redirected to, trusted origins that are bare http(s) origins, and cookie
 * names and attributes that browsers keep. Each line's loginOptions.ts
 * unwraps its `Redacted` secrets and adds its platform's cookie check.
 *
 * @internal
 */

/**
 * The smallest secret accepted, in bytes: a 256-bit key (each line's `LoginManager.minSecretBytes`).
 *
 * @internal
 */
export const minSecretBytes = 32

const checkSecret = (name: string, secret: string): string | undefined => {
  // Stryker disable next-line StringLiteral: Node reads an empty encoding as UTF-8, its default
  const bytes = Buffer.byteLength(secret, "utf8")
  const fix = `set it to at least ${minSecretBytes} random bytes, for example the output of \`openssl rand -base64 32\``
  return bytes === 0
    ? `${name} is empty: ${fix}`
    : bytes < minSecretBytes
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
 * What the checks read of a line's `LoginOptions.Options` (which it satisfies).
 *
 * @internal
 */
export interface Checked {
  readonly remember?: { readonly refreshEachRequest?: boolean | undefined } | undefined
  readonly loginView?: string | undefined
  readonly refreshView?: string | undefined
}

/**
 * The first problem of `options` (secrets, store limits, views, remember options), if any.
 * `secrets`: the current secret, then the previous ones, unwrapped.
 *
 * @internal
 */
export const problem = (
  options: Checked,
  secrets: ReadonlyArray<string>,
  server: { readonly maxBytes: number; readonly maxPerUser: number } | undefined
): string | undefined => {
  const secret = secrets.map((key, i) => checkSecret(i === 0 ? "SECRET_KEY" : `previous secret key #${i}`, key))
    .find((message) => message !== undefined)
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
export const trustedOrigins = (
  entries: ReadonlyArray<string>
):
  | { readonly _tag: "Origins"; readonly origins: ReadonlyArray<string> }
  | { readonly _tag: "Problem"; readonly problem: string } =>
{
  const origins: Array<string> = []
  for (const entry of entries) {
    const origin = originOf(entry)
    if (origin === undefined) {
      return {
        _tag: "Problem",
        problem: `Invalid csrf.trustedOrigins (CSRF_TRUSTED_ORIGINS) entry ${JSON.stringify(entry)}: ` +
          `an origin is an http(s) scheme and host, like "https://admin.example.com"`
      }
    }
    origins.push(origin)
  }
  return { _tag: "Origins", origins }
}

/**
 * The name of a cookie the application does not name: `__Host-` and `base`
 * where the prefix's rules hold (Secure, `Path=/`, no `Domain`; OWASP ASVS
 * 3.4.4), so that no subdomain or plain-http page can set it; `base` alone
 * otherwise, and with Flask migration, which reads Flask's cookies by Flask's
 * names.
 *
 * @internal
 */
export const defaultCookieName = (
  base: string,
  options: {
    readonly secure?: boolean | undefined
    readonly path?: string | undefined
    readonly domain?: string | undefined
  },
  flaskCompat: boolean
): string =>
  !flaskCompat && options.secure === true && options.path === "/" && options.domain === undefined
    ? `__Host-${base}`
    : base

/**
 * What is wrong with a cookie's name and attributes (SameSite=None without
 * Secure, a `__Host-` or `__Secure-` prefix whose rules are not kept): browsers
 * drop such a cookie without a word. The platform's own check comes after.
 *
 * @internal
 */
export const cookieProblem = (
  what: string,
  name: string,
  options: {
    readonly sameSite?: "lax" | "strict" | "none" | undefined
    readonly secure?: boolean | undefined
    readonly path?: string | undefined
    readonly domain?: string | undefined
  } | undefined
): string | undefined => {
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
  return prefix === undefined ? undefined : `Invalid ${what} cookie ${name}: ${prefix}`
}
