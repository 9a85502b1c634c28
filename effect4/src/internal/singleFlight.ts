/**
 * Per-request "compute once": the first caller runs the computation,
 * concurrent callers (other fibers of the same request) wait for its result,
 * later callers get it at once. The session's read and the user's resolution
 * both go through it.
 *
 * @internal
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"

/** @internal */
export class SingleFlight<A, E> {
  private exit: Exit.Exit<A, E> | undefined = undefined
  private running = false
  /** Made only when a second fiber arrives while the first computes: rare, and a Deferred is not free. */
  private waiting: Deferred.Deferred<Exit.Exit<A, E> | undefined> | undefined = undefined

  /** The result, once there is one. */
  get done(): Exit.Exit<A, E> | undefined {
    return this.exit
  }

  private settle(exit: Exit.Exit<A, E>): Exit.Exit<A, E> {
    // An interrupted computation leaves nothing behind: the next caller computes again.
    if (!Exit.hasInterrupts(exit)) this.exit = exit
    return exit
  }

  /**
   * The result, computing it now if nobody has. To be called inside an effect
   * (it runs `compute` at once); an Exit is an Effect, so a result at hand
   * costs no step.
   */
  runNow(compute: () => Effect.Effect<A, E>): Effect.Effect<A, E> {
    if (this.exit !== undefined) return this.exit
    if (this.running) {
      this.waiting ??= Deferred.makeUnsafe()
      // Undefined: the first fiber was interrupted before it finished, so compute again.
      return Effect.flatMap(Deferred.await(this.waiting), (exit) => exit ?? this.runNow(compute))
    }
    const effect = compute()
    // Computed without effects: done in this step.
    if (Exit.isExit(effect)) return this.settle(effect as Exit.Exit<A, E>)
    this.running = true
    return Effect.onExit(effect, (exit) => {
      this.running = false
      const interrupted = Exit.hasInterrupts(exit)
      if (!interrupted) this.exit = exit
      const waiting = this.waiting
      this.waiting = undefined
      return waiting === undefined ? Effect.void : Deferred.succeed(waiting, interrupted ? undefined : exit)
    })
  }
}
