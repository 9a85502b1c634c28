/**
 * What every store that talks to a server shares: it is ready before the
 * application serves (or says it starts degraded), and an outage is logged
 * once when it begins and once when it ends, not once per failed operation.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as LoginError from "../LoginError.js"
import * as SessionStore from "../SessionStore.js"

const describe = (cause: unknown): string => cause instanceof Error ? cause.message : String(cause)

/**
 * Wraps a store's operations: the first failure after a success logs one
 * error line with its cause, the first success after a failure one info line.
 *
 * @internal
 */
export const outageLog = (name: string) => {
  let down = false
  return <A, R>(
    effect: Effect.Effect<A, LoginError.SessionStoreError, R>
  ): Effect.Effect<A, LoginError.SessionStoreError, R> =>
    effect.pipe(
      Effect.tapError((error) => {
        if (down) return Effect.logDebug(`effect-login: ${name} ${error.operation} failed: ${describe(error.cause)}`)
        down = true
        return Effect.logError(
          `effect-login: ${name} is unreachable (${error.operation}: ${describe(error.cause)}); ` +
            "requests that need a session answer 503 until it is back"
        )
      }),
      Effect.tap(() => {
        if (!down) return Effect.void
        down = false
        return Effect.logInfo(`effect-login: ${name} is back`)
      })
    )
}

/**
 * Waits until `store` answers (retrying), or fails with what to check: a
 * server that announces itself must be able to serve. `"degraded"` skips the
 * wait, for applications that serve public routes whatever the store does.
 *
 * @internal
 */
export const awaitReady = (
  name: string,
  store: SessionStore.SessionStore,
  options: SessionStore.StartupOptions | undefined
): Effect.Effect<void, LoginError.SessionStoreError> => {
  if (options?.startup === "degraded") return Effect.void
  const timeout = Duration.fromInputUnsafe(options?.startupTimeout ?? "10 seconds")
  return SessionStore.probe(store).pipe(
    Effect.retry({ schedule: Schedule.spaced("100 millis"), while: () => true }),
    Effect.timeoutOrElse({
      duration: timeout,
      orElse: () => Effect.fail(new LoginError.SessionStoreError({ operation: "connect", cause: "timed out" }))
    }),
    // The last error is the useful one: retry keeps it, the timeout replaces it.
    Effect.catch((error) =>
      Effect.flatMap(Effect.result(SessionStore.probe(store)), (last) =>
        Effect.fail(
          new LoginError.SessionStoreError({
            operation: "connect",
            cause: new Error(
              `${name} did not answer within ${Duration.format(timeout)} ` +
                `(${describe(last._tag === "Failure" ? last.failure.cause : error.cause)}). ` +
                "Check that the server runs and that the client's address and credentials are right, " +
                `or start degraded ({ startup: "degraded" }) to serve public routes meanwhile.`
            )
          })
        ))
    )
  )
}
