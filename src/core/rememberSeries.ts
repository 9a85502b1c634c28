/**
 * The decisions of server-side remember-me series, shared by both lines (no
 * Effect): the cookie's format (a random selector and validator), the store
 * key a selector is kept under, what a presented validator means for its
 * series (current, in the grace of a rotation, or a copied cookie), and the
 * data of a new or rotated series. Each line's rememberSeries.ts adds the
 * store: looking a series up, rotating it by compare-and-set, ending it.
 *
 * @internal
 */
import * as crypto from "./crypto.js"
import * as userTag from "./userTag.js"

/**
 * What the store keeps of a series, in the stored record's `data` (each line's
 * `SeriesData` schema has this type).
 *
 * @internal
 */
export interface SeriesFields {
  /** Marks a series among a user's records. */
  readonly remember: 1
  /** SHA-256 of the current validator. */
  readonly validator: string
  /** SHA-256 of the validator rotated away at `usedAt`. */
  readonly previous?: string
  readonly usedAt: number
  /** The hash of the user's security stamp at login. */
  readonly stamp?: string
  /** For the user's list of devices. */
  readonly userAgent?: string
}

/** A browser's concurrent requests may still carry the validator just rotated away, this long. */
export const graceMillis = 30_000

/** A user agent longer than this is cut: it is a label, not an identifier. */
const maxUserAgent = 256

/** The prefix of a series' store key: no session key has a dot. */
const keyPrefix = "remember."

/** A selector's length without its user's tag: 128 bits, base64url. */
const plainSelector = 22

/**
 * The store key of a selector: its SHA-256, and its user's tag in braces (src/core/userTag.ts).
 *
 * @internal
 */
export const keyOf = (selector: string): string =>
  keyPrefix + crypto.sha256(selector).toString("base64url") + userTag.keySuffix(userTag.ofId(selector, plainSelector))

/** @internal */
export const isSeriesKey = (key: string): boolean => key.startsWith(keyPrefix)

const hash = (validator: string) => crypto.sha256(validator).toString("base64url")

// A 128-bit selector (then its user's tag) and a 256-bit validator, base64url.
const cookieFormat = /^([A-Za-z0-9_-]{22}(?:[0-9a-f]{4})?)\.([A-Za-z0-9_-]{43})$/

/**
 * The selector and validator a cookie value carries; `undefined` when it is not one.
 *
 * @internal
 */
export const parse = (value: string): Presented | undefined => {
  const match = cookieFormat.exec(value)
  return match === null ? undefined : { selector: match[1]!, validator: match[2]! }
}

/** @internal */
export interface Presented {
  readonly selector: string
  readonly validator: string
}

/** @internal */
export type Verdict = "Current" | "Grace" | "Reused"

/**
 * What a presented validator means for its series. Constant time in the
 * validator: its hash is compared, never the validator itself.
 *
 * @internal
 */
export const verdict = (
  series: Pick<SeriesFields, "validator" | "previous" | "usedAt">,
  presented: string,
  now: number
): Verdict => {
  const presentedHash = crypto.sha256(presented)
  const matches = (stored: string) => crypto.timingSafeEqual(presentedHash, Buffer.from(stored, "base64url"))
  if (matches(series.validator)) return "Current"
  const previous = series.previous
  return previous !== undefined && matches(previous) &&
      now - series.usedAt < graceMillis
    ? "Grace"
    : "Reused"
}

/**
 * A cookie value, and when its series ends.
 *
 * @internal
 */
export interface Issued {
  readonly value: string
  readonly expiresAt: number
}

/**
 * A new series for a login: its store key, the data to keep, and the cookie
 * value (which only the browser keeps).
 *
 * @internal
 */
export const start = (
  login: { readonly userId: string; readonly stamp: string | undefined; readonly userAgent: string | undefined },
  now: number
): { readonly key: string; readonly data: SeriesFields; readonly value: string } => {
  const selector = crypto.randomToken(16) + userTag.of(login.userId)
  const validator = crypto.randomToken(32)
  return {
    key: keyOf(selector),
    data: {
      remember: 1,
      validator: hash(validator),
      usedAt: now,
      ...(login.stamp === undefined ? {} : { stamp: login.stamp }),
      ...(login.userAgent === undefined ? {} : { userAgent: login.userAgent.slice(0, maxUserAgent) })
    },
    value: `${selector}.${validator}`
  }
}

/**
 * A series' next validator: the data to keep (the current validator becomes
 * the previous one, in its grace from `now`), and the new cookie value.
 *
 * @internal
 */
export const rotate = <D extends SeriesFields>(
  data: D,
  presented: Presented,
  now: number
): { readonly data: D; readonly value: string } => {
  const validator = crypto.randomToken(32)
  return {
    data: { ...data, validator: hash(validator), previous: data.validator, usedAt: now },
    value: `${presented.selector}.${validator}`
  }
}
