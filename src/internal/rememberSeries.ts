/**
 * Server-side remember-me tokens, used whenever a `SessionStore` is: the
 * cookie carries a random selector and a random validator; the store keeps,
 * under the selector's hash, the user, the validator's hash, the user's
 * stamp and a fixed expiry. A series is a record of the user's in the store,
 * beside their sessions, so listing and revoking the user's sessions reach
 * it through the same index, with every store.
 *
 * Each use rotates the validator; the expiry never moves. The validator just
 * rotated away is still accepted for a short grace (a browser's concurrent
 * requests all carry it); presented later, or any other validator, it is a
 * copied cookie: the series and every session of the user end.
 *
 * @internal
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as core from "../core/rememberSeries.js"
import * as LoginError from "../LoginError.js"
import type * as SessionStore from "../SessionStore.js"

/**
 * What the store keeps of a series, in the stored record's `data`; the user,
 * the creation and the expiry are the record's own fields.
 *
 * @internal
 */
export const SeriesData = Schema.Struct({
  /** Marks a series among a user's records. */
  remember: Schema.Literal(1),
  /** SHA-256 of the current validator. */
  validator: Schema.String,
  /** SHA-256 of the validator rotated away at `usedAt`. */
  previous: Schema.optionalWith(Schema.String, { exact: true }),
  usedAt: Schema.Int,
  /** The hash of the user's security stamp at login. */
  stamp: Schema.optionalWith(Schema.String, { exact: true }),
  /** For the user's list of devices. */
  userAgent: Schema.optionalWith(Schema.String, { exact: true })
})

/** @internal */
export interface SeriesData extends Schema.Schema.Type<typeof SeriesData> {}

const encodeData = Schema.encodeSync(Schema.parseJson(SeriesData))
const decodeData = Schema.decodeUnknownOption(Schema.parseJson(SeriesData))

/** @internal */
export { graceMillis, isSeriesKey, keyOf, parse, verdict } from "../core/rememberSeries.js"

/** @internal */
export type { Issued, Presented, Verdict } from "../core/rememberSeries.js"

/**
 * Starts a series for `userId`: the cookie value, and its expiry, which no use extends.
 *
 * @internal
 */
export const create = (
  store: SessionStore.SessionStore,
  login: { readonly userId: string; readonly stamp: string | undefined; readonly userAgent: string | undefined },
  now: number,
  durationMillis: number
): Effect.Effect<core.Issued, LoginError.SessionStoreError> => {
  const started = core.start(login, now)
  const expiresAt = now + durationMillis
  const record = { data: encodeData(started.data), userId: login.userId, version: 0, createdAt: now, expiresAt }
  return Effect.flatMap(store.set(started.key, record, undefined), (created) =>
    created
      ? Effect.succeed({ value: started.value, expiresAt })
      : new LoginError.SessionStoreError({ operation: "set", cause: "remember selector already taken" }))
}

/**
 * What using a remember cookie came to.
 *
 * @internal
 */
export type Use = Data.TaggedEnum<{
  /** No such series: revoked, expired, or never issued. */
  Unknown: {}
  /** A validator rotated away came back: a copied cookie. The user's series and sessions ended. */
  Reused: { readonly userId: string }
  /** The series' user; `rotated` is the next cookie, absent in the grace window. */
  Accepted: {
    readonly userId: string
    readonly stamp: string | undefined
    readonly rotated: core.Issued | undefined
  }
}>

/** @internal */
export const Use = Data.taggedEnum<Use>()

const unknown = Use.Unknown()

/**
 * Uses a presented cookie: rotates its validator (compare-and-set, so that of
 * two concurrent uses one rotates and the other is in its grace), or ends
 * everything of the user when it was copied.
 *
 * @internal
 */
export const use = (
  store: SessionStore.SessionStore,
  presented: core.Presented,
  now: number
): Effect.Effect<Use, LoginError.SessionStoreError> => {
  const key = core.keyOf(presented.selector)
  const attempt = (left: number): Effect.Effect<Use, LoginError.SessionStoreError> =>
    Effect.flatMap(store.get(key), (found) => {
      const record = Option.getOrUndefined(found)
      const data = record === undefined ? undefined : Option.getOrUndefined(decodeData(record.data))
      if (record?.userId === undefined || data === undefined) return Effect.succeed(unknown)
      const userId = record.userId
      switch (core.verdict(data, presented.validator, now)) {
        case "Grace":
          return Effect.succeed(Use.Accepted({ userId, stamp: data.stamp, rotated: undefined }))
        case "Reused":
          return Effect.as(store.deleteByUser(userId), Use.Reused({ userId }))
        case "Current": {
          const rotated = core.rotate(data, presented, now)
          const next = { ...record, data: encodeData(rotated.data), version: record.version + 1 }
          return Effect.flatMap(store.set(key, next, record.version), (won) =>
            won
              ? Effect.succeed(Use.Accepted({
                userId,
                stamp: data.stamp,
                rotated: { value: rotated.value, expiresAt: record.expiresAt }
              }))
              : left > 0
              // A concurrent request of the same browser rotated it first: this one is in the grace.
              ? attempt(left - 1)
              : new LoginError.SessionStoreError({ operation: "set", cause: "too many concurrent writes" }))
        }
      }
    })
  return attempt(2)
}

/**
 * The user of the series a presented cookie belongs to, without using it.
 *
 * @internal
 */
export const owner = (
  store: SessionStore.SessionStore,
  presented: core.Presented,
  now: number
): Effect.Effect<string | undefined, LoginError.SessionStoreError> =>
  Effect.map(store.get(core.keyOf(presented.selector)), (found) => {
    const record = Option.getOrUndefined(found)
    const data = record === undefined ? undefined : Option.getOrUndefined(decodeData(record.data))
    return data !== undefined && core.verdict(data, presented.validator, now) !== "Reused" ? record!.userId : undefined
  })

/**
 * Ends the series of a presented cookie (a logout on this device).
 *
 * @internal
 */
export const revoke = (
  store: SessionStore.SessionStore,
  selector: string
): Effect.Effect<void, LoginError.SessionStoreError> => store.delete(core.keyOf(selector))

/**
 * The series' details for the user's list of devices; `undefined` when the record is not a series.
 *
 * @internal
 */
export const describe = (
  record: SessionStore.StoredSession
): { readonly usedAt: number; readonly userAgent: string | undefined } | undefined =>
  Option.match(decodeData(record.data), {
    onNone: () => undefined,
    onSome: (data) => ({ usedAt: data.usedAt, userAgent: data.userAgent })
  })
