/**
 * Reads one cookie out of a `Cookie` header.
 *
 * `HttpServerRequest.cookies` parses every cookie and keeps the first of
 * duplicates. A duplicated session cookie is an attack signal (a cookie
 * planted for a narrower path or from a sibling subdomain is sent first), so
 * the session cookie is read here, where duplicates can be seen and refused.
 *
 * @internal
 */

/** @internal */
export const duplicate: unique symbol = Symbol.for("effect-login/internal/cookieHeader/duplicate")

/** @internal */
export const readCookie = (header: string | undefined, name: string): string | undefined | typeof duplicate => {
  if (header === undefined || !header.includes(name)) return undefined
  let found: string | undefined
  for (const part of header.split(";")) {
    const eq = part.indexOf("=")
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue
    if (found !== undefined) return duplicate
    found = part.slice(eq + 1).trim()
  }
  return found
}
