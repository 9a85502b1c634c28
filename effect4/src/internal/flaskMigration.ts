/**
 * Everything `flaskCompat` touches: a Flask app's session cookie and
 * Flask-Login's remember cookie, read as this library's own so that they can
 * be replaced. Removing Flask support is removing this file, flaskCore.ts
 * (the decisions, shared by both lines) and their callers.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Redacted from "effect/Redacted"
import * as flask from "../../../src/core/flask.js"
import type * as FlaskCompat from "../FlaskCompat.js"
import type * as persistence from "./persistence.js"

/** @internal */
export const { isOpen, protect, stampUnchanged } = flask

/** @internal */
export type Migrated = flask.Migrated

const settingsOf = (options: FlaskCompat.Options): flask.Settings => ({
  secretKey: Redacted.value(options.secretKey),
  until: options.until,
  stampAtMigration: options.stampAtMigration,
  sessionMaxAgeMillis: options.sessionMaxAge === undefined ? undefined : Duration.toMillis(options.sessionMaxAge)
})

/**
 * The user id of a Flask-Login remember cookie, when it is one.
 *
 * @internal
 */
export const rememberedUserId = (raw: string, options: FlaskCompat.Options, now: number): string | undefined =>
  flask.isOpen(options, now) ? flask.rememberedUserId(raw, settingsOf(options), now) : undefined

/**
 * A Flask session, as a session of ours; `undefined` when `raw` is not a valid Flask session.
 *
 * @internal
 */
export const session = (raw: string, options: FlaskCompat.Options, now: number): Migrated | undefined =>
  flask.isOpen(options, now) ? flask.session(raw, settingsOf(options), now) : undefined

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
