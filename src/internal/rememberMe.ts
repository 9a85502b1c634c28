/**
 * The remember-me cookie: what the request's cookie says, and what the
 * response does with it. Pure: the codecs are synchronous.
 *
 * @internal
 */
import type * as Cookies from "@effect/platform/Cookies"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import type * as FlaskCompat from "../FlaskCompat.js"
import type * as RememberCookie from "../RememberCookie.js"
import * as cookieHeader from "./cookieHeader.js"
import * as flaskMigration from "./flaskMigration.js"

/** @internal */
export interface Settings {
  readonly name: string
  readonly options: Cookies.Cookie["options"]
  readonly durationMillis: number
  readonly refreshEachRequest: boolean
  readonly codec: RememberCookie.Codec
}

/**
 * What the request's remember cookie turned out to be.
 *
 * @internal
 */
export type Incoming = Data.TaggedEnum<{
  Absent: {}
  Invalid: {}
  Valid: { readonly token: RememberCookie.RememberToken }
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
  const decoded = settings.codec.decode(raw, now)
  if (Either.isRight(decoded)) return Incoming.Valid({ token: decoded.right.token })
  const legacy = flask === undefined ? undefined : flaskMigration.rememberedUserId(raw, flask)
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
  Set: { readonly token: RememberCookie.RememberToken }
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
export const issue = (userId: string, stamp: string | undefined, now: number, durationMillis: number): Outgoing =>
  Outgoing.Set({
    token: {
      userId,
      expiresAt: now + durationMillis,
      duration: durationMillis,
      ...(stamp === undefined ? {} : { stamp })
    }
  })

/**
 * With `refreshEachRequest`, a remember cookie of `userId` sent by the browser gets a new expiry.
 *
 * @internal
 */
export const refresh = (
  incoming: Incoming,
  userId: string,
  settings: Settings,
  now: number
): Outgoing | undefined =>
  settings.refreshEachRequest && incoming._tag === "Valid" && incoming.token.userId === userId
    ? Outgoing.Set({ token: { ...incoming.token, expiresAt: now + incoming.token.duration } })
    : undefined

/**
 * One request's remember cookie: what came (read once, when first needed) and
 * what the response will do with it.
 *
 * @internal
 */
export class RememberState {
  private incomingOf: Incoming | undefined = undefined
  private outgoingOf: Outgoing | undefined = undefined

  constructor(
    private readonly header: string | undefined,
    private readonly settings: Settings,
    private readonly flask: FlaskCompat.Options | undefined
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

  get outgoing(): Outgoing | undefined {
    return this.outgoingOf
  }

  /** The response clears the cookie: it must not log anyone in again. */
  get cleared(): boolean {
    return this.outgoingOf?._tag === "Clear"
  }

  clear(): void {
    this.outgoingOf = clear
  }

  issue(userId: string, stamp: string | undefined, now: number, durationMillis: number): void {
    this.outgoingOf = issue(userId, stamp, now, durationMillis)
  }

  /** With `refreshEachRequest`, unless the response already does something with the cookie. */
  refresh(userId: string, now: number): void {
    if (!this.settings.refreshEachRequest) return
    this.outgoingOf ??= refresh(this.incoming(now), userId, this.settings, now)
  }

  /** At logout: a cookie that came is cleared (even when the session was lost); one about to be set is not. */
  logout(now: number): void {
    if (this.incoming(now)._tag !== "Absent") this.outgoingOf = clear
    else if (this.outgoingOf?._tag === "Set") this.outgoingOf = undefined
  }

  write(response: HttpServerResponse.HttpServerResponse): HttpServerResponse.HttpServerResponse {
    return write(response, this.outgoingOf, this.settings)
  }
}

/** @internal */
export const write = (
  response: HttpServerResponse.HttpServerResponse,
  outgoing: Outgoing | undefined,
  settings: Settings
): HttpServerResponse.HttpServerResponse => {
  if (outgoing === undefined) return response
  if (outgoing._tag === "Set") {
    // Max-Age rather than Expires: the browser's clock need not agree with ours.
    return HttpServerResponse.unsafeSetCookie(response, settings.name, settings.codec.encode(outgoing.token), {
      ...settings.options,
      maxAge: Duration.millis(outgoing.token.duration)
    })
  }
  // The same attributes as when it was set: browsers only delete a cookie they can match.
  const { expires: _expires, maxAge: _maxAge, ...options } = settings.options ?? {}
  return HttpServerResponse.expireCookie(response, settings.name, options)
}
