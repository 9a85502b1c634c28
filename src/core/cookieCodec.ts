/**
 * Opening a signed (or encrypted) cookie value, shared by both lines' session
 * and remember-cookie codecs (no Effect), in the order that keeps it cheap and
 * safe: an oversized value is refused before any HMAC, a bad signature before
 * any parsing, then the payload is parsed (by the line's Schema) and its
 * expiry checked. Each line turns a refusal into its codec's error.
 *
 * @internal
 */
import type { Signer } from "./signer.js"

/**
 * Why a cookie value was refused (each line's `SessionCookieError` and `RememberCookieError` reasons).
 *
 * @internal
 */
export type Reason = "Oversized" | "BadSignature" | "InvalidPayload" | "Expired"

/** @internal */
export type Opened<A> =
  | { readonly _tag: "Refused"; readonly reason: Reason }
  | { readonly _tag: "Opened"; readonly value: A; readonly stale: boolean }

const refused = {
  Oversized: { _tag: "Refused", reason: "Oversized" },
  BadSignature: { _tag: "Refused", reason: "BadSignature" },
  InvalidPayload: { _tag: "Refused", reason: "InvalidPayload" },
  Expired: { _tag: "Refused", reason: "Expired" }
} as const

/**
 * Opens `value`: `parse` reads the verified payload (`undefined`: not a valid
 * one), `expired` says whether what it read is past its lifetime.
 *
 * @internal
 */
export const open = <A>(
  signer: Signer,
  value: string,
  maxBytes: number,
  parse: (payload: string) => A | undefined,
  expired: (parsed: A) => boolean
): Opened<A> => {
  if (value.length > maxBytes) return refused.Oversized
  const verified = signer.verify(value)
  if (verified === undefined) return refused.BadSignature
  const parsed = parse(verified.payload)
  if (parsed === undefined) return refused.InvalidPayload
  if (expired(parsed)) return refused.Expired
  return { _tag: "Opened", value: parsed, stale: verified.stale }
}
