/**
 * The remember-me cookie's decisions, shared by both lines (no Effect): what
 * the request's cookie is (absent, invalid, a stateless token, a series'
 * cookie, a Flask-Login cookie), what the response does with it (set a token,
 * start a series, rotate it, clear it), when a stateless token is refreshed or
 * re-signed, and which series a request ends. Each line's rememberMe.ts adds
 * the token codec, the store (looking up, starting and ending series) and
 * writes the cookie on its response.
 *
 * @internal
 */
import * as cookieHeader from "./cookieHeader.js"
import * as rememberSeries from "./rememberSeries.js"

/**
 * What a stateless remember cookie carries (each line's `RememberCookie.RememberToken`).
 *
 * @internal
 */
export interface Token {
  readonly userId: string
  readonly expiresAt: number
  readonly duration: number
  readonly stamp?: string
  readonly issuedAt?: number
}

/** @internal */
export interface Settings {
  readonly name: string
  readonly refreshEachRequest: boolean
  /** However often it is refreshed, a stateless token ends this long after its login. */
  readonly absoluteMillis: number
  /** Where the series live; `undefined`: stateless tokens (cookie sessions). */
  readonly store: unknown
}

/**
 * How a line reads a cookie value: as its own stateless token, and as a Flask-Login cookie.
 *
 * @internal
 */
export interface Reader {
  /** The token, and whether it was signed under a previous secret; `undefined` when it is none of ours. */
  readonly decodeToken: (raw: string, now: number) => { readonly token: Token; readonly stale: boolean } | undefined
  /** The user of a Flask-Login remember cookie (with `flaskCompat`); `undefined` when it is not one. */
  readonly legacyUserId: (raw: string, now: number) => string | undefined
}

/**
 * What the request's remember cookie turned out to be.
 *
 * @internal
 */
export type Incoming =
  | { readonly _tag: "Absent" }
  | { readonly _tag: "Invalid" }
  /** `stale`: signed under a previous secret. */
  | { readonly _tag: "Valid"; readonly token: Token; readonly stale: boolean }
  /** A series' cookie (with a store), not yet looked up. */
  | { readonly _tag: "Series"; readonly presented: rememberSeries.Presented }
  /** A Flask-Login remember cookie (with `flaskCompat`): no expiry, no stamp. */
  | { readonly _tag: "Legacy"; readonly userId: string }

/** @internal */
export const Incoming = {
  Absent: (): Incoming => absent,
  Invalid: (): Incoming => invalid,
  Valid: (args: { readonly token: Token; readonly stale: boolean }): Incoming => ({ _tag: "Valid", ...args }),
  Series: (args: { readonly presented: rememberSeries.Presented }): Incoming => ({ _tag: "Series", ...args }),
  Legacy: (args: { readonly userId: string }): Incoming => ({ _tag: "Legacy", ...args })
}

const absent: Incoming = { _tag: "Absent" }
const invalid: Incoming = { _tag: "Invalid" }

/** @internal */
export const read = (header: string | undefined, settings: Settings, reader: Reader, now: number): Incoming => {
  const raw = cookieHeader.readCookie(header, settings.name)
  if (raw === undefined) return absent
  if (raw === cookieHeader.duplicate) return invalid
  if (settings.store !== undefined) {
    // A stateless token is refused here: it could not be revoked.
    const presented = rememberSeries.parse(raw)
    if (presented !== undefined) return Incoming.Series({ presented })
  } else {
    const decoded = reader.decodeToken(raw, now)
    if (decoded !== undefined) return Incoming.Valid(decoded)
  }
  const legacy = reader.legacyUserId(raw, now)
  return legacy === undefined ? invalid : Incoming.Legacy({ userId: legacy })
}

/** @internal */
export const userIdOf = (incoming: Incoming): string | undefined =>
  incoming._tag === "Valid" ? incoming.token.userId : incoming._tag === "Legacy" ? incoming.userId : undefined

/**
 * What the response does with the remember cookie; `undefined` leaves it alone.
 *
 * @internal
 */
export type Outgoing =
  /** A stateless token, for `maxAgeMillis`. */
  | { readonly _tag: "Set"; readonly token: Token; readonly maxAgeMillis: number }
  /** A series to start in the store, then its cookie. */
  | {
    readonly _tag: "Start"
    readonly userId: string
    readonly stamp: string | undefined
    readonly durationMillis: number
  }
  /** A series' cookie, for as long as the series lasts. */
  | { readonly _tag: "Rotate"; readonly value: string; readonly maxAgeMillis: number }
  | { readonly _tag: "Clear" }

/** @internal */
export const clear: Outgoing = { _tag: "Clear" }

/**
 * A new token for `userId`, valid for `durationMillis`, void once the user's stamp changes.
 *
 * @internal
 */
export const issue = (
  settings: Settings,
  userId: string,
  stamp: string | undefined,
  now: number,
  durationMillis: number
): Outgoing =>
  settings.store !== undefined
    ? { _tag: "Start", userId, stamp, durationMillis }
    : {
      _tag: "Set",
      token: {
        userId,
        expiresAt: now + durationMillis,
        duration: durationMillis,
        issuedAt: now,
        ...(stamp === undefined ? {} : { stamp })
      },
      maxAgeMillis: durationMillis
    }

/**
 * With `refreshEachRequest`, a remember cookie of `userId` sent by the browser gets a new expiry, never
 * past `absoluteMillis` after its login (a token from before `issuedAt` existed counts from its first
 * refresh): a copied cookie that is used regularly still ends.
 *
 * @internal
 */
export const refresh = (
  incoming: Incoming,
  userId: string,
  settings: Settings,
  now: number
): Outgoing | undefined => {
  if (!settings.refreshEachRequest || incoming._tag !== "Valid" || incoming.token.userId !== userId) return undefined
  const issuedAt = incoming.token.issuedAt ?? now
  const expiresAt = Math.min(now + incoming.token.duration, issuedAt + settings.absoluteMillis)
  return { _tag: "Set", token: { ...incoming.token, expiresAt, issuedAt }, maxAgeMillis: expiresAt - now }
}

/**
 * The same stateless token, its expiry unchanged, signed and its stamp hashed under the current secret.
 *
 * @internal
 */
export const resign = (token: Token, stamp: string | undefined, now: number): Outgoing => {
  const { stamp: _, ...rest } = token
  return {
    _tag: "Set",
    token: stamp === undefined ? rest : { ...rest, stamp },
    maxAgeMillis: Math.max(0, token.expiresAt - now)
  }
}

/**
 * A series' cookie, for as long as the series lasts.
 *
 * @internal
 */
export const rotated = (issued: rememberSeries.Issued, now: number): Outgoing => ({
  _tag: "Rotate",
  value: issued.value,
  maxAgeMillis: Math.max(0, issued.expiresAt - now)
})

/**
 * One request's remember cookie: what came (read once, when first needed),
 * what the response will do with it, and the series it ends. Each line
 * extends it with what needs its store and its response type.
 *
 * @internal
 */
export abstract class RememberState<S extends Settings> implements Reader {
  private incomingOf: Incoming | undefined = undefined
  protected outgoingOf: Outgoing | undefined = undefined
  /** The series of the cookie that came, to end in the store before the response. */
  protected revoked: string | undefined = undefined
  /** The user of the series that came, once used in this request. */
  protected usedBy: string | undefined = undefined

  constructor(
    private readonly header: string | undefined,
    protected readonly settings: S,
    /** For the user's list of devices. */
    protected readonly userAgent?: string | undefined
  ) {}

  abstract decodeToken(raw: string, now: number): { readonly token: Token; readonly stale: boolean } | undefined
  abstract legacyUserId(raw: string, now: number): string | undefined

  incoming(now: number): Incoming {
    return this.incomingOf ??= read(this.header, this.settings, this, now)
  }

  /** A remember cookie came with the request, valid or not (without verifying it). */
  get came(): boolean {
    return this.incomingOf !== undefined
      ? this.incomingOf._tag !== "Absent"
      : cookieHeader.readCookie(this.header, this.settings.name) !== undefined
  }

  /** The store key of the series whose cookie came, unless it ends with this request. */
  seriesKey(now: number): string | undefined {
    const incoming = this.incoming(now)
    return incoming._tag === "Series" && this.revoked === undefined
      ? rememberSeries.keyOf(incoming.presented.selector)
      : undefined
  }

  get outgoing(): Outgoing | undefined {
    return this.outgoingOf
  }

  /** The response clears the cookie: it must not log anyone in again. */
  get cleared(): boolean {
    return this.outgoingOf?._tag === "Clear"
  }

  /** Clears the cookie, and ends its series unless `revoke` is false (it is gone already). */
  clear(revoke = true): void {
    this.outgoingOf = clear
    if (revoke) this.revokeIncoming()
  }

  issue(userId: string, stamp: string | undefined, now: number, durationMillis: number): void {
    // A new login replaces the series of an older remember cookie.
    this.revokeIncoming()
    this.outgoingOf = issue(this.settings, userId, stamp, now, durationMillis)
  }

  /** The series was used in this request: its user, and its next cookie (none in the grace window). */
  used(userId: string, issued: rememberSeries.Issued | undefined, now: number): void {
    this.usedBy = userId
    if (issued !== undefined) this.outgoingOf = rotated(issued, now)
  }

  resign(token: Token, stamp: string | undefined, now: number): void {
    this.outgoingOf = resign(token, stamp, now)
  }

  /** With `refreshEachRequest`, unless the response already does something with the cookie. */
  refresh(userId: string, now: number): void {
    if (!this.settings.refreshEachRequest) return
    this.outgoingOf ??= refresh(this.incoming(now), userId, this.settings, now)
  }

  /** At logout: a cookie that came is cleared (even when the session was lost); one about to be set is not. */
  logout(now: number): void {
    if (this.incoming(now)._tag !== "Absent") this.clear()
    else if (this.outgoingOf?._tag === "Set" || this.outgoingOf?._tag === "Start") this.outgoingOf = undefined
  }

  private revokeIncoming(): void {
    if (this.settings.store === undefined) return
    const raw = cookieHeader.readCookie(this.header, this.settings.name)
    const presented = typeof raw === "string" ? rememberSeries.parse(raw) : undefined
    if (presented !== undefined) this.revoked = presented.selector
  }

  /** Nothing for the response to do: no cookie to write, no series to end or start. */
  get idle(): boolean {
    return this.outgoingOf === undefined && this.revoked === undefined
  }
}
