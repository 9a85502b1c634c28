/**
 * Recipe: limiting login attempts, with `@effect/experimental`'s RateLimiter.
 *
 * Two fixed windows, as OWASP's authentication cheat sheet suggests: per account (slows down guessing one
 * user's password from many addresses) and per client address (slows down trying many accounts from one).
 * Every attempt counts, before the password is checked, so that a guess costs a slot whether or not it is
 * right. Over a limit the answer is 429 with `Retry-After`; if the limiter's store fails or does not answer
 * within 2 seconds, 503 (the check fails closed). The store is memory for one instance, Redis (`@effect/experimental/RateLimiter/Redis`)
 * for several.
 */
import { RateLimiter } from "@effect/experimental"
import { HttpServerRequest, HttpServerRespondable, HttpServerResponse } from "@effect/platform"
import { Data, Duration, Effect, Option } from "effect"
import { createHash } from "node:crypto"

/** The limits: per account and per client address, each over its window. */
export const limits = {
  account: { limit: 10, window: "15 minutes" },
  client: { limit: 30, window: "1 minute" }
} as const

/** Too many attempts: 429, and when to try again. */
export class TooManyAttempts extends Data.TaggedError("TooManyAttempts")<{
  readonly retryAfter: Duration.Duration
}> implements HttpServerRespondable.Respondable {
  [HttpServerRespondable.symbol]() {
    const seconds = Math.max(1, Math.ceil(Duration.toSeconds(this.retryAfter)))
    return Effect.succeed(
      HttpServerResponse.text("Too many login attempts", { status: 429, headers: { "retry-after": String(seconds) } })
    )
  }
}

/** The limiter's store failed: 503, rather than let guesses through unlimited. */
export class AttemptsUnavailable extends Data.TaggedError("AttemptsUnavailable")<{
  readonly cause: unknown
}> implements HttpServerRespondable.Respondable {
  [HttpServerRespondable.symbol]() {
    return Effect.succeed(HttpServerResponse.text("Service Unavailable", { status: 503 }))
  }
}

// The store holds a hash of the username, not the username.
const accountKey = (username: string) =>
  `login:account:${createHash("sha256").update(username.normalize("NFKC").toLowerCase()).digest("base64url")}`

/**
 * Counts one login attempt for `username` from this request's address; fails with `TooManyAttempts` over
 * either limit. Behind a reverse proxy, `remoteAddress` is the proxy's: use the client address your proxy
 * reports (the same one as `LoginManager`'s `trustedProxies`).
 */
export const countAttempt = (
  username: string
): Effect.Effect<
  void,
  TooManyAttempts | AttemptsUnavailable,
  RateLimiter.RateLimiter | HttpServerRequest.HttpServerRequest
> =>
  Effect.gen(function*() {
    const limiter = yield* RateLimiter.RateLimiter
    const request = yield* HttpServerRequest.HttpServerRequest
    const client = Option.getOrElse(request.remoteAddress, () => "unknown")
    yield* limiter.consume({ key: `login:client:${client}`, ...limits.client, onExceeded: "fail" })
    yield* limiter.consume({ key: accountKey(username), ...limits.account, onExceeded: "fail" })
  }).pipe(
    // A store that does not answer (Redis gone, with ioredis queueing commands) must not hang the login.
    Effect.timeoutFail({ duration: "2 seconds", onTimeout: () => new AttemptsUnavailable({ cause: "timeout" }) }),
    Effect.catchTag("RateLimiterError", (error): Effect.Effect<never, TooManyAttempts | AttemptsUnavailable> =>
      error.reason === "Exceeded"
        ? Effect.fail(new TooManyAttempts({ retryAfter: error.retryAfter }))
        : Effect.fail(new AttemptsUnavailable({ cause: error })))
  )
