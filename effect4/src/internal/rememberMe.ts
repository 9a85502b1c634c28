/**
 * The remember-me cookie: what the request's cookie says, and what the
 * response does with it. Without a store the token is stateless (signed,
 * revocable only through the user's security stamp); with a store it is a
 * series there (rememberSeries.ts), and a logout ends it. The decisions are
 * rememberMeCore.ts's, shared by both lines; this module adds the codec, the
 * store and the response.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Cookies from "effect/http/Cookies"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Result from "effect/Result"
import * as core from "../../../src/core/rememberMe.js"
import type * as FlaskCompat from "../FlaskCompat.js"
import type * as LoginError from "../LoginError.js"
import type * as RememberCookie from "../RememberCookie.js"
import type * as SessionStore from "../SessionStore.js"
import * as flaskMigration from "./flaskMigration.js"
import * as persistence from "./persistence.js"
import * as rememberSeries from "./rememberSeries.js"

/** @internal */
export interface Settings extends core.Settings {
  readonly options: Cookies.Cookie["options"]
  readonly durationMillis: number
  readonly codec: RememberCookie.Codec
  /** Where the series live; `undefined`: stateless tokens (cookie sessions). */
  readonly store: SessionStore.SessionStore | undefined
}

/** @internal */
export type Incoming = core.Incoming

/** @internal */
export const Incoming = core.Incoming

/** @internal */
export type Outgoing = core.Outgoing

/** @internal */
export const { clear, issue, refresh, resign, userIdOf } = core

const decodeToken = (settings: Settings, raw: string, now: number) => {
  const decoded = settings.codec.decode(raw, now)
  return Result.isSuccess(decoded) ? decoded.success : undefined
}

const legacyUserId = (flask: FlaskCompat.Options | undefined, raw: string, now: number) =>
  flask === undefined ? undefined : flaskMigration.rememberedUserId(raw, flask, now)

/** @internal */
export const read = (
  header: string | undefined,
  settings: Settings,
  flask: FlaskCompat.Options | undefined,
  now: number
): Incoming =>
  core.read(header, settings, {
    decodeToken: (raw, at) => decodeToken(settings, raw, at),
    legacyUserId: (raw, at) => legacyUserId(flask, raw, at)
  }, now)

/**
 * One request's remember cookie (rememberMeCore.ts), with what needs the
 * store: the user a series' cookie logs in, and the commit before the response.
 *
 * @internal
 */
export class RememberState extends core.RememberState<Settings> {
  constructor(
    header: string | undefined,
    settings: Settings,
    private readonly flask: FlaskCompat.Options | undefined,
    /** For the user's list of devices. */
    userAgent?: string | undefined
  ) {
    super(header, settings, userAgent)
  }

  decodeToken(raw: string, now: number) {
    return decodeToken(this.settings, raw, now)
  }

  legacyUserId(raw: string, now: number) {
    return legacyUserId(this.flask, raw, now)
  }

  /** The user the cookie that came logs in, unless the response clears it. */
  owner(now: number): Effect.Effect<string | undefined, LoginError.SessionStoreError> {
    if (this.cleared) return Exit.succeed(undefined)
    const incoming = this.incoming(now)
    if (incoming._tag !== "Series" || this.settings.store === undefined) return Exit.succeed(core.userIdOf(incoming))
    return this.usedBy !== undefined
      ? Exit.succeed(this.usedBy)
      : rememberSeries.owner(this.settings.store, incoming.presented, now)
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
      return write(response, core.rotated(issued, now), settings)
    })
  }
}

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
