/**
 * Everything `flaskCompat` touches: a Flask app's session cookie and
 * Flask-Login's remember cookie, read as this library's own so that they can
 * be replaced. Removing Flask support is removing this file and its callers.
 *
 * @internal
 */
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as Option from "effect/Option"
import * as crypto from "../../../src/internal/crypto.js"
import { newId, type SessionData } from "../../../src/internal/sessionData.js"
import * as FlaskCompat from "../FlaskCompat.js"
import type * as persistence from "./persistence.js"
import type * as sessionProtection from "./sessionProtection.js"

/**
 * Flask cookies are accepted until the cut-off date only.
 *
 * @internal
 */
export const isOpen = (options: FlaskCompat.Options, now: number): boolean => now < options.until.getTime()

/**
 * The user id of a Flask-Login remember cookie, when it is one.
 *
 * @internal
 */
export const rememberedUserId = (raw: string, options: FlaskCompat.Options, now: number): string | undefined =>
  isOpen(options, now) ? Option.getOrUndefined(FlaskCompat.decodeRememberCookie(raw, options.secretKey)) : undefined

/**
 * The user's stamp is still the one of the Flask era: nothing revoked their Flask cookies since.
 *
 * @internal
 */
export const stampUnchanged = (options: FlaskCompat.Options, stamp: string | undefined): boolean =>
  options.stampAtMigration === undefined || stamp === undefined ||
  crypto.timingSafeEqual(Buffer.from(stamp), Buffer.from(options.stampAtMigration))

/**
 * Session protection for a Flask session: Flask-Login recorded its client
 * identifier (`_id`, a SHA-512 of address and User-Agent, computed as 0.6
 * does, or as its main branch does); a session restored from a remember
 * cookie has none, and is bound to its first client like one of ours.
 *
 * @internal
 */
export const protect = (
  mode: sessionProtection.Mode,
  flaskClient: string | undefined,
  request: HttpServerRequest.HttpServerRequest
): "Keep" | "Stale" | "End" => {
  if (mode === "off" || flaskClient === undefined) return "Keep"
  const presented = Buffer.from(flaskClient.toLowerCase())
  const same = flaskIdentifiers(request).some((candidate) => crypto.timingSafeEqual(Buffer.from(candidate), presented))
  return same ? "Keep" : mode === "basic" ? "Stale" : "End"
}

const flaskIdentifiers = (request: HttpServerRequest.HttpServerRequest): ReadonlyArray<string> => {
  const peer = Option.getOrElse(request.remoteAddress, () => "")
  const userAgent = request.headers["user-agent"]
  // 0.6: the first X-Forwarded-For entry when there is one, and the bytes' Python repr.
  const forwarded = request.headers["x-forwarded-for"]?.split(",")[0]?.trim()
  const bytes = (text: string) => `b'${text}'`
  const v06 = `${bytes(forwarded ?? peer)}|${userAgent === undefined ? "None" : bytes(userAgent)}`
  // main: the peer's address and the User-Agent, plainly.
  const main = `${peer}|${userAgent ?? ""}`
  return [v06, main].map((base) => crypto.sha512Hex(base))
}

/**
 * A Flask session, as a session of ours: its login keys, flashes and `next`;
 * its other keys as the application's data. `undefined` when `raw` is not a
 * valid Flask session.
 *
 * @internal
 */
export const session = (raw: string, options: FlaskCompat.Options, now: number): Migrated | undefined => {
  if (!isOpen(options, now)) return undefined
  const flask = FlaskCompat.decodeSessionCookie(raw, { ...options, now })
  if (Option.isNone(flask)) return undefined
  const { _flashes, _fresh, _id, _remember, _remember_seconds, _user_id, next, ...data } = flask.value.data
  const userId = typeof _user_id === "string" || typeof _user_id === "number" ? String(_user_id) : undefined
  const flashes = Array.isArray(_flashes)
    ? _flashes.filter((f): f is [string, string] =>
      Array.isArray(f) && f.length === 2 && typeof f[0] === "string" && typeof f[1] === "string"
    )
    : []
  return {
    data: {
      id: newId(),
      ...(userId === undefined ? {} : { userId, fresh: _fresh === true }),
      ...(userId !== undefined && _fresh === true ? { freshAt: flask.value.signedAt } : {}),
      ...(typeof next === "string" ? { next } : {}),
      ...(Object.keys(data).length > 0 ? { data } : {}),
      ...(flashes.length > 0 ? { flashes } : {}),
      issuedAt: now
    },
    flaskClient: typeof _id === "string" ? _id : undefined
  }
}

/**
 * A Flask session taken in: as a session of ours, and the client Flask-Login recorded.
 *
 * @internal
 */
export interface Migrated {
  readonly data: SessionData
  readonly flaskClient: string | undefined
}

/**
 * The Flask session a rejected session cookie holds, with `flaskCompat`.
 *
 * @internal
 */
export const sessionOf = (
  loaded: persistence.Loaded,
  options: FlaskCompat.Options | undefined,
  now: number
): Migrated | undefined =>
  options === undefined || !loaded.rejected || loaded.raw === undefined ? undefined : session(loaded.raw, options, now)
