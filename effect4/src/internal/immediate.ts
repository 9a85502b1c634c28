/**
 * Effects that are already results. An `Exit` is an Effect: the request core
 * returns its synchronous answers as `Exit`s and chains them with `andThen`,
 * so that a request whose inputs are at hand (a cookie session, a loader that
 * answers from memory) runs without Effect steps.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"

/**
 * `Effect.flatMap`, without the step when `self` is already a success value
 * (a loader that answers from memory, a session read from the cookie).
 *
 * @internal
 */
export const andThen = <A, E, R, B, E2, R2>(
  self: Effect.Effect<A, E, R>,
  f: (a: A) => Effect.Effect<B, E2, R2>
): Effect.Effect<B, E | E2, R | R2> =>
  Exit.isExit(self) && Exit.isSuccess(self) ? f(self.value as A) : Effect.flatMap(self, f)
