/**
 * Session protection (Flask-Login's `session_protection`) and revocation
 * stamps: whether the login a session carries still stands for this client
 * and this user. Pure decisions over hashed values, shared by both lines (no
 * Effect): a request is anything with headers and a remote address, which
 * both lines' `HttpServerRequest` are.
 *
 * @internal
 */
import { memoize } from "./boundedCache.js"
import * as crypto from "./crypto.js"

/**
 * What session protection reads of a request: its headers, and its peer's
 * address (an `Option`, as both lines' requests carry it).
 *
 * @internal
 */
export interface ClientRequest {
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly remoteAddress: { readonly _tag: "None" } | { readonly _tag: "Some"; readonly value: string }
}

/** @internal */
export type Mode = "off" | "basic" | "strong"

/**
 * What becomes of a login when a client uses it:
 * - `Keep`: the same client (or protection is off);
 * - `Bind`: made without a client (`issueSessionCookie`, or protection was off): bound to this one;
 * - `Stale` (basic): another client; still logged in, but no longer fresh;
 * - `End` (strong): another client; the login ends, the application's data stays.
 *
 * @internal
 */
export type Verdict = "Keep" | "Bind" | "Stale" | "End"

/**
 * `current` is `undefined` when protection is off.
 *
 * @internal
 */
export const decide = (mode: Mode, stored: string | undefined, current: string | undefined): Verdict =>
  current === undefined || stored === current
    ? "Keep"
    : stored === undefined
    ? "Bind"
    : mode === "strong"
    ? "End"
    : "Stale"

/**
 * Whether a session or remember token made under the `stored` stamp hash still
 * holds for a user whose stamp hashes to `current` (`undefined`: the
 * application keeps no stamps). Compared in constant time.
 *
 * @internal
 */
export const stampHolds = (current: string | undefined, stored: string | undefined): boolean =>
  current === undefined ||
  (stored !== undefined && crypto.timingSafeEqual(Buffer.from(current), Buffer.from(stored)))

// Distinct clients seen recently: each costs a SHA-256 once, not on every request.
const cacheSize = 10_000

/**
 * Identifies clients by an HMAC of their IP and User-Agent under `key`, so
 * that the IP cannot be recovered offline from a signed cookie; the IP is
 * read `trustedProxies` entries from the right of `X-Forwarded-For`.
 *
 * @internal
 */
export const clientIdentifier = (
  trustedProxies: number,
  key: Buffer
): (request: ClientRequest) => string => {
  const hash = memoize(cacheSize, 512, (client) => crypto.hmacSha256(key, client).subarray(0, 16).toString("base64url"))
  return (request) => hash(`${clientIp(request, trustedProxies)}|${request.headers["user-agent"] ?? ""}`)
}

/**
 * The key of the client identifier, derived from a secret for that purpose only.
 *
 * @internal
 */
export const clientKey = (secret: string): Buffer => crypto.deriveKey(secret, "client-identifier/hmac-sha256")

/**
 * The peer's address, "" when the platform knows none.
 *
 * @internal
 */
export const peerOf = (request: ClientRequest): string =>
  request.remoteAddress._tag === "Some" ? request.remoteAddress.value : ""

const clientIp = (request: ClientRequest, trustedProxies: number): string => {
  const ip = peerOf(request)
  if (trustedProxies === 0) return ip
  const hops = (request.headers["x-forwarded-for"] ?? "").split(",").map((hop) => hop.trim()).filter((hop) =>
    hop !== ""
  )
  // Fewer hops than trusted proxies: the request did not come through them all, and the leftmost
  // entry may be the client's own writing. The peer's address is the one known (as Werkzeug's ProxyFix).
  return hops.length < trustedProxies ? ip : hops[hops.length - trustedProxies]!
}
