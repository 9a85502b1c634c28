/**
 * Who the user of a request is, in Flask-Login's order (`_load_user`): the
 * session's login, else the remember cookie, else the request loaders. Each
 * source answers `Found` (this is the user), `Ended` (the login ended here,
 * look no further) or `Continue` (ask the next source).
 *
 * @internal
 */
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { andThen } from "./singleFlight.js"

/** @internal */
export type Outcome = Data.TaggedEnum<{
  Found: { readonly user: unknown }
  Ended: {}
  Continue: {}
}>

/** @internal */
export const Outcome = Data.taggedEnum<Outcome>()

/** @internal */
export const ended: Outcome = Outcome.Ended()

/** @internal */
export const next: Outcome = Outcome.Continue()

/** @internal */
export type Source<E> = () => Effect.Effect<Outcome, E>

const anonymous = Exit.succeed(Option.none<unknown>())

/**
 * Asks the sources in order. Synchronous, step-free, as long as they are: a
 * session in the cookie and a loader that answers from memory resolve the
 * user without a single Effect step.
 *
 * @internal
 */
export const firstOf = <E>(
  sources: ReadonlyArray<Source<E>>,
  from = 0
): Effect.Effect<Option.Option<unknown>, E> => {
  if (from >= sources.length) return anonymous
  return andThen(sources[from]!(), (outcome) =>
    outcome._tag === "Found"
      ? Exit.succeed(Option.some(outcome.user))
      : outcome._tag === "Ended"
      ? anonymous
      : firstOf(sources, from + 1))
}
