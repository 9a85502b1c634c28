/**
 * Who the user of a request is, in Flask-Login's order (`_load_user`): the
 * session's login, else the remember cookie, else the request loaders. Each
 * source answers `Found` (this is the user), `Ended` (the login ended here,
 * look no further) or `Continue` (ask the next source). Unlike Flask-Login,
 * an invalid remember cookie does not stop the request loaders from being tried.
 * The decisions over plain data are userResolutionCore.ts's, shared by both lines.
 *
 * @internal
 */
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as Option from "effect/Option"
import * as LoginEvents from "../LoginEvents.js"

import * as sessionData from "../../../src/core/sessionData.js"
import type { SessionJournal } from "../../../src/core/sessionJournal.js"
import * as core from "../../../src/core/userResolution.js"
import type { SessionStoreError } from "../LoginError.js"
import type * as LoginError from "../LoginError.js"
import type * as UserLoader from "../UserLoader.js"
import * as flaskMigration from "./flaskMigration.js"
import { andThen } from "./immediate.js"
import { bindingOf, type Config, stampMatch, stampOf } from "./loginConfig.js"
import type * as rememberMe from "./rememberMe.js"
import * as rememberSeries from "./rememberSeries.js"

/** @internal */
export type Outcome = Data.TaggedEnum<{
  Found: { readonly user: unknown; readonly via: "session" | "remember" | "request" }
  Ended: {}
  Continue: {}
}>

/** @internal */
export const Outcome = Data.taggedEnum<Outcome>()

const ended: Exit.Exit<Outcome> = Exit.succeed(Outcome.Ended())
const next: Exit.Exit<Outcome> = Exit.succeed(Outcome.Continue())
const found = (user: unknown, via: "session" | "remember" | "request"): Exit.Exit<Outcome> =>
  Exit.succeed(Outcome.Found({ user, via }))

/**
 * What the sources need of the request's session.
 *
 * @internal
 */
export interface Resolver {
  readonly config: Config
  readonly request: HttpServerRequest.HttpServerRequest
  /** The session was read from a Flask cookie: it has no stamp or client of ours yet. */
  readonly migrated: flaskMigration.Migrated | undefined
  readonly remember: rememberMe.RememberState
  readonly publish: (event: LoginEvents.LoginEvent) => void
  /** Applies a change that can make the session too large for its cookie. */
  readonly write: (
    journal: SessionJournal,
    mutation: sessionData.Mutation,
    rotate?: boolean
  ) => Exit.Exit<void, LoginError.SessionTooLarge>
}

type Failure = LoginError.UserLoaderError | SessionStoreError

type Source = () => Effect.Effect<Outcome, Failure>

/**
 * Asks the sources in order. Synchronous, with no Effect step, as long as
 * they are: a session in the cookie and a loader that answers from memory.
 *
 * @internal
 */
export const resolve = (
  resolver: Resolver,
  journal: SessionJournal,
  now: number
): Effect.Effect<Outcome, Failure> =>
  firstOf([
    () => fromSession(resolver, journal),
    () => fromRememberCookie(resolver, journal, now),
    ...resolver.config.loader.requestLoaders.map((loader) => () => fromRequest(resolver, loader))
  ], 0)

const firstOf = (sources: ReadonlyArray<Source>, from: number): Effect.Effect<Outcome, Failure> =>
  from >= sources.length
    ? next
    : andThen(
      sources[from]!(),
      (outcome) => outcome._tag === "Continue" ? firstOf(sources, from + 1) : Exit.succeed(outcome)
    )

const fromSession = (r: Resolver, journal: SessionJournal): Effect.Effect<Outcome, Failure> => {
  const data = journal.data
  const userId = data?.userId
  if (data === undefined || userId === undefined) return next
  const { config } = r
  if (r.migrated !== undefined) return fromFlaskSession(r, journal, userId, r.migrated.flaskClient)
  const client = config.client?.(r.request)
  const verdict = core.sessionVerdict(config, r.request, data, journal.at, client)
  switch (verdict) {
    case "Expired":
      // The login's absolute lifetime is over, however busy it was: log in again (or be restored by the remember cookie).
      journal.apply(sessionData.loginEnded(userId))
      return next
    case "Bind":
      // Or bound under a previous secret: the same client, bound again under the current one.
      journal.apply(sessionData.bound({ client }))
      break
    case "Stale":
      markedStale(r, journal, userId)
      break
    case "End":
      return endedByProtection(r, journal, userId)
  }
  return andThen(config.loader.load(userId), (user) => {
    const stamp = Option.isSome(user) ? stampMatch(config, user.value, data.stamp) : "changed"
    if (Option.isSome(user) && stamp !== "changed") {
      // Recorded under a previous secret: again under the current one, before that secret is retired.
      if (stamp === "previous") journal.apply(sessionData.bound({ stamp: stampOf(config, user.value) }))
      r.remember.refresh(userId, journal.at)
      return found(user.value, "session")
    }
    // Deleted, or revoked: end the login rather than keep a dangling id that
    // a user created later with the same id would inherit.
    if (journal.data?.userId === userId) journal.apply(sessionData.loginEnded(userId))
    return next
  })
}

/** Basic protection: another client, the login is no longer fresh. */
const markedStale = (r: Resolver, journal: SessionJournal, userId: string): void => {
  if (journal.data?.fresh !== false) journal.apply(sessionData.stale)
  r.publish(LoginEvents.LoginEvent.SessionProtected({ userId, mode: "basic" }))
}

/** Strong protection: another client, the login ends, and the remember cookie with it. */
const endedByProtection = (r: Resolver, journal: SessionJournal, userId: string): Exit.Exit<Outcome> => {
  journal.apply(sessionData.loginEnded(userId))
  r.remember.clear()
  r.publish(LoginEvents.LoginEvent.SessionProtected({ userId, mode: "strong" }))
  return ended
}

/**
 * A Flask-Login session: protected against the client Flask-Login recorded,
 * refused once the user's stamp moved on, then bound to this client and stamp.
 */
const fromFlaskSession = (
  r: Resolver,
  journal: SessionJournal,
  userId: string,
  flaskClient: string | undefined
): Effect.Effect<Outcome, Failure> => {
  const { config } = r
  const verdict = flaskMigration.protect(config.protection, flaskClient, r.request)
  if (verdict === "End") return endedByProtection(r, journal, userId)
  if (verdict === "Stale") markedStale(r, journal, userId)
  return andThen(config.loader.load(userId), (user) => {
    if (
      Option.isNone(user) || !flaskMigration.stampUnchanged(config.flask!, config.loader.securityStamp?.(user.value))
    ) {
      journal.apply(sessionData.loginEnded(userId))
      return next
    }
    journal.apply(sessionData.bound(bindingOf(config, r.request, user.value)))
    return found(user.value, "session")
  })
}

const fromRememberCookie = (
  r: Resolver,
  journal: SessionJournal,
  now: number
): Effect.Effect<Outcome, Failure> => {
  if (r.remember.cleared) return next
  const incoming = r.remember.incoming(now)
  if (incoming._tag === "Absent") return next
  if (incoming._tag === "Invalid") {
    r.remember.clear()
    return next
  }
  if (incoming._tag === "Series") {
    const store = r.config.remember.store!
    return andThen(rememberSeries.use(store, incoming.presented, now), (used) => {
      switch (used._tag) {
        case "Unknown":
          r.remember.clear(false)
          return next
        case "Reused":
          // A copied cookie: the store ended every session and series of the user.
          r.remember.clear(false)
          r.publish(LoginEvents.LoginEvent.RememberTokenReused({ userId: used.userId }))
          return ended
        case "Accepted":
          r.remember.used(used.userId, used.rotated, now)
          return restore(r, journal, now, used.userId, used.stamp)
      }
    })
  }
  return restore(r, journal, now, incoming._tag === "Valid" ? incoming.token.userId : incoming.userId, undefined)
}

/** Restores the login the remember cookie names, when its user still exists and its stamp holds. */
const restore = (
  r: Resolver,
  journal: SessionJournal,
  now: number,
  userId: string,
  seriesStamp: string | undefined
): Effect.Effect<Outcome, Failure> => {
  const { config } = r
  const incoming = r.remember.incoming(now)
  const tokenStamp = core.rememberedStamp(incoming, seriesStamp)
  return andThen(config.loader.load(userId), (user) => {
    const match = Option.isSome(user) ? stampMatch(config, user.value, tokenStamp) : "changed"
    const revoked = incoming._tag === "Legacy"
      ? Option.isSome(user) && !flaskMigration.stampUnchanged(config.flask!, config.loader.securityStamp?.(user.value))
      : match === "changed"
    if (Option.isNone(user) || revoked) {
      r.remember.clear()
      return next
    }
    const stamp = stampOf(config, user.value)
    // A restored login is a new session, not a fresh one; bound to this client,
    // so that strong protection does not end it on the next request.
    const binding = bindingOf(config, r.request, user.value)
    if (Exit.isFailure(r.write(journal, sessionData.restored(userId, binding), true))) {
      journal.apply(sessionData.restoredAlone(userId, binding), { rotate: true })
    }
    const restored = core.afterRestore(incoming, match)
    switch (restored._tag) {
      case "Issue":
        // Replace the Flask cookie with a token of ours, which can expire and be revoked.
        r.remember.issue(userId, stamp, now, config.remember.durationMillis)
        break
      case "Resign":
        // Signed, or its stamp hashed, under a previous secret: the same token under the current one.
        r.remember.resign(restored.token, stamp, now)
        break
      case "Refresh":
        r.remember.refresh(userId, now)
    }
    r.publish(LoginEvents.LoginEvent.LoadedFromCookie({ userId }))
    return found(user.value, "remember")
  })
}

const fromRequest = (
  r: Resolver,
  loader: UserLoader.UserLoader["requestLoaders"][number]
): Effect.Effect<Outcome, Failure> =>
  andThen(loader.load(r.request), (user) => {
    if (Option.isNone(user)) return next
    r.publish(LoginEvents.LoginEvent.LoadedFromRequest({ userId: r.config.loader.id(user.value) }))
    return found(user.value, "request")
  })
