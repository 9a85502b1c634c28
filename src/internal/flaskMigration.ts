/**
 * Everything `flaskCompat` touches: a Flask app's session cookie and
 * Flask-Login's remember cookie, read as this library's own so that they can
 * be replaced. Removing Flask support is removing this file and its callers.
 *
 * @internal
 */
import * as Option from "effect/Option"
import * as FlaskCompat from "../FlaskCompat.js"
import type * as persistence from "./persistence.js"
import { newId, type SessionData } from "./sessionData.js"

/**
 * The user id of a Flask-Login remember cookie, when it is one.
 *
 * @internal
 */
export const rememberedUserId = (raw: string, options: FlaskCompat.Options): string | undefined =>
  Option.getOrUndefined(FlaskCompat.decodeRememberCookie(raw, options.secretKey))

/**
 * A Flask session, as a session of ours: its login keys, flashes and `next`;
 * its other keys as the application's data. `undefined` when `raw` is not a
 * valid Flask session.
 *
 * @internal
 */
export const session = (raw: string, options: FlaskCompat.Options, now: number): SessionData | undefined => {
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
    id: newId(),
    ...(userId === undefined ? {} : { userId, fresh: _fresh === true }),
    ...(userId !== undefined && _fresh === true ? { freshAt: flask.value.signedAt } : {}),
    ...(typeof next === "string" ? { next } : {}),
    ...(Object.keys(data).length > 0 ? { data } : {}),
    ...(flashes.length > 0 ? { flashes } : {}),
    issuedAt: now
  }
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
): SessionData | undefined =>
  options === undefined || !loaded.rejected || loaded.raw === undefined ? undefined : session(loaded.raw, options, now)
