/**
 * The remember-me cookie: what the request's cookie says, and what the
 * response does with it. Without a store the token is stateless (signed,
 * revocable only through the user's security stamp); with a store it is a
 * series there (rememberSeries.ts), and a logout ends it.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Cookies from "effect/http/Cookies"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Result from "effect/Result"
import * as cookieHeader from "../../../src/internal/cookieHeader.js"
import type * as FlaskCompat from "../FlaskCompat.js"
import type * as LoginError from "../LoginError.js"
import type * as RememberCookie from "../RememberCookie.js"
import type * as SessionStore from "../SessionStore.js"
import * as flaskMigration from "./flaskMigration.js"
import * as persistence from "./persistence.js"
import * as rememberSeries from "./rememberSeries.js"

/** @internal */
export interface Settings {
  readonly name: string
  readonly options: Cookies.Cookie["options"]
  readonly durationMillis: number
  readonly refreshEachRequest: boolean
  /** However often it is refreshed, a stateless token ends this long after its login. */
  readonly absoluteMillis: number
  readonly codec: RememberCookie.Codec
  /** Where the series live; `undefined`: stateless tokens (cookie sessions). */
  readonly store: SessionStore.SessionStore | undefined
}

/**
 * What the request's remember cookie turned out to be.
 *
 * @internal
 */
export type Incoming = Data.TaggedEnum<{
  Absent: {}
  Invalid: {}
  /** `stale`: signed under a previous secret. */
  Valid: { readonly token: RememberCookie.RememberToken; readonly stale: boolean }
  /** A series' cookie (with a store), not yet looked up. */
  Series: { readonly presented: rememberSeries.Presented }
  /** A Flask-Login remember cookie (with `flaskCompat`): no expiry, no stamp. */
  Legacy: { readonly userId: string }
}>

/** @internal */
export const Incoming = Data.taggedEnum<Incoming>()

const absent = Incoming.Absent()
const invalid = Incoming.Invalid()

/** @internal */
export const read = (
  header: string | undefined,
  settings: Settings,
  flask: FlaskCompat.Options | undefined,
  now: number
): Incoming => {
  const raw = cookieHeader.readCookie(header, settings.name)
  if (raw === undefined) return absent
  if (raw === cookieHeader.duplicate) return invalid
  if (settings.store !== undefined) {
    // A stateless token is refused here: it could not be revoked.
    const presented = rememberSeries.parse(raw)
    if (presented !== undefined) return Incoming.Series({ presented })
  } else {
    const decoded = settings.codec.decode(raw, now)
    if (Result.isSuccess(decoded)) return Incoming.Valid(decoded.success)
  }
  const legacy = flask === undefined ? undefined : flaskMigration.rememberedUserId(raw, flask, now)
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
export type Outgoing = Data.TaggedEnum<{
  /** A stateless token, for `maxAgeMillis`. */
  Set: { readonly token: RememberCookie.RememberToken; readonly maxAgeMillis: number }
  /** A series to start in the store, then its cookie. */
  Start: { readonly userId: string; readonly stamp: string | undefined; readonly durationMillis: number }
  /** A series' cookie, for as long as the series lasts. */
  Rotate: { readonly value: string; readonly maxAgeMillis: number }
  Clear: {}
}>

/** @internal */
export const Outgoing = Data.taggedEnum<Outgoing>()

/** @internal */
export const clear: Outgoing = Outgoing.Clear()

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
    ? Outgoing.Start({ userId, stamp, durationMillis })
    : Outgoing.Set({
      token: {
        userId,
        expiresAt: now + durationMillis,
        duration: durationMillis,
        issuedAt: now,
        ...(stamp === undefined ? {} : { stamp })
      },
      maxAgeMillis: durationMillis
    })

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
  return Outgoing.Set({ token: { ...incoming.token, expiresAt, issuedAt }, maxAgeMillis: expiresAt - now })
}

/**
 * The same stateless token, its expiry unchanged, signed and its stamp hashed under the current secret.
 *
 * @internal
 */
export const resign = (token: RememberCookie.RememberToken, stamp: string | undefined, now: number): Outgoing => {
  const { stamp: _, ...rest } = token
  return Outgoing.Set({
    token: stamp === undefined ? rest : { ...rest, stamp },
    maxAgeMillis: Math.max(0, token.expiresAt - now)
  })
}

/**
 * One request's remember cookie: what came (read once, when first needed),
 * what the response will do with it, and the series it ends.
 *
 * @internal
 */
export class RememberState {
  private incomingOf: Incoming | undefined = undefined
  private outgoingOf: Outgoing | undefined = undefined
  /** The series of the cookie that came, to end in the store before the response. */
  private revoked: string | undefined = undefined
  /** The user of the series that came, once used in this request. */
  private usedBy: string | undefined = undefined

  constructor(
    private readonly header: string | undefined,
    private readonly settings: Settings,
    private readonly flask: FlaskCompat.Options | undefined,
    /** For the user's list of devices. */
    private readonly userAgent?: string | undefined
  ) {}

  incoming(now: number): Incoming {
    return this.incomingOf ??= read(this.header, this.settings, this.flask, now)
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

  /** The user the cookie that came logs in, unless the response clears it. */
  owner(now: number): Effect.Effect<string | undefined, LoginError.SessionStoreError> {
    if (this.cleared) return Exit.succeed(undefined)
    const incoming = this.incoming(now)
    if (incoming._tag !== "Series" || this.settings.store === undefined) return Exit.succeed(userIdOf(incoming))
    return this.usedBy !== undefined
      ? Exit.succeed(this.usedBy)
      : rememberSeries.owner(this.settings.store, incoming.presented, now)
  }

  resign(token: RememberCookie.RememberToken, stamp: string | undefined, now: number): void {
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

  /** Ends and starts series in the store, then sets or clears the cookie. */
  commit(
    response: HttpServerResponse.HttpServerResponse
  ):
    | Exit.Exit<HttpServerResponse.HttpServerResponse>
    | Effect.Effect<HttpServerResponse.HttpServerResponse, LoginError.SessionStoreError>
  {
    const { settings } = this
    const { store } = settings
    const outgoing = this.outgoingOf
    const revoked = this.revoked
    if (store === undefined || (revoked === undefined && outgoing?._tag !== "Start")) {
      return Exit.succeed(write(response, outgoing, settings))
    }
    const userAgent = this.userAgent
    return Effect.gen(function*() {
      if (revoked !== undefined) yield* rememberSeries.revoke(store, revoked)
      if (outgoing?._tag !== "Start") return write(response, outgoing, settings)
      const now = yield* Clock.currentTimeMillis
      const login = { userId: outgoing.userId, stamp: outgoing.stamp, userAgent }
      const issued = yield* rememberSeries.create(store, login, now, outgoing.durationMillis)
      return write(response, rotated(issued, now), settings)
    })
  }
}

const rotated = (issued: rememberSeries.Issued, now: number): Outgoing =>
  Outgoing.Rotate({ value: issued.value, maxAgeMillis: Math.max(0, issued.expiresAt - now) })

/** @internal */
export const write = (
  response: HttpServerResponse.HttpServerResponse,
  outgoing: Outgoing | undefined,
  settings: Settings
): HttpServerResponse.HttpServerResponse => {
  if (outgoing === undefined || outgoing._tag === "Start") return response
  if (outgoing._tag === "Clear") {
    // The same attributes as when it was set: browsers only delete a cookie they can match.
    return persistence.expire(response, settings.name, settings.options)
  }
  const value = outgoing._tag === "Set" ? settings.codec.encode(outgoing.token) : outgoing.value
  // Max-Age rather than Expires: the browser's clock need not agree with ours.
  return HttpServerResponse.setCookieUnsafe(response, settings.name, value, {
    ...settings.options,
    maxAge: Duration.millis(outgoing.maxAgeMillis)
  })
}

/**
 * The pre-response step of the remember cookie: nothing (and no allocation)
 * when it has nothing to do; a 503 when a series could not be ended or
 * started, rather than pretend it was.
 *
 * @internal
 */
export const commit = (
  state: RememberState | undefined,
  response: HttpServerResponse.HttpServerResponse
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  if (state === undefined || state.idle) return Exit.succeed(response)
  const committed = state.commit(response)
  return Exit.isExit(committed) ? committed : committed.pipe(
    Effect.catchTag("SessionStoreError", (error) =>
      Effect.as(
        Effect.logDebug(`effect-login: the remember-me token could not be saved: ${error.message}`),
        HttpServerResponse.text("Service Unavailable", { status: 503 })
      ))
  )
}
