/**
 * The errors of effect-login, in one module that imports nothing else of the
 * package: a failing user store or session store (503), a session that would
 * grow too large, and a configuration that must not start.
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as HttpServerRespondable from "effect/http/HttpServerRespondable"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * Marks the errors of this module.
 *
 * @since 0.2.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("effect-login/LoginError")

/**
 * The type of {@link TypeId}.
 *
 * @since 0.2.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * Any error of effect-login.
 *
 * @since 0.2.0
 * @category models
 */
export type LoginError = UserLoaderError | SessionStoreError | SessionTooLarge | LoginConfigError

/**
 * True for any error of effect-login.
 *
 * @since 0.2.0
 * @category refinements
 */
export const isLoginError = (u: unknown): u is LoginError => Predicate.hasProperty(u, TypeId)

const serviceUnavailable = Effect.succeed(HttpServerResponse.text("Service Unavailable", { status: 503 }))

/**
 * The user store failed (database down, timeout). The request is answered
 * with 503: it is neither "anonymous" (which would log everybody out during an
 * outage) nor a 500 with a stack trace. The cause is logged, never sent.
 *
 * @since 0.2.0
 * @category errors
 */
export class UserLoaderError extends Data.TaggedError("UserLoaderError")<{
  readonly cause: unknown
}> implements HttpServerRespondable.Respondable {
  /**
   * Marks the error (see `TypeId`).
   *
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
  override get message() {
    return "The user store is unavailable"
  }
  /**
   * Answers 503 Service Unavailable, without the cause.
   *
   * @since 0.2.0
   */
  [HttpServerRespondable.symbol]() {
    return serviceUnavailable
  }
}

/**
 * The session store failed (unreachable, timed out). The request gets 503:
 * never "anonymous", never a hang, never a stack trace; the cause is logged.
 *
 * @since 0.2.0
 * @category errors
 */
export class SessionStoreError extends Data.TaggedError("SessionStoreError")<{
  readonly operation: string
  readonly cause: unknown
}> implements HttpServerRespondable.Respondable {
  /**
   * Marks the error (see `TypeId`).
   *
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
  override get message() {
    const cause = this.cause instanceof Error ? this.cause.message : String(this.cause)
    return `The session store failed (${this.operation}): ${cause}`
  }
  /**
   * Answers 503 Service Unavailable, without the cause.
   *
   * @since 0.2.0
   */
  [HttpServerRespondable.symbol]() {
    return serviceUnavailable
  }
}

/**
 * A write would make the session larger than it may be: a cookie larger than
 * browsers accept (4096 bytes), or a stored session over the store's
 * `maxSessionBytes`. The write is refused, so the cookie is never silently
 * dropped and no session grows without bound.
 *
 * @since 0.2.0
 * @category errors
 */
export class SessionTooLarge extends Schema.TaggedError<SessionTooLarge>()(
  "SessionTooLarge",
  { bytes: Schema.Number, limit: Schema.Number }
) {
  /**
   * Marks the error (see `TypeId`).
   *
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
  override get message() {
    return `The session would be ${this.bytes} bytes, over its limit of ${this.limit} bytes (a cookie: what browsers ` +
      `accept; a store: maxSessionBytes); keep large data out of the session`
  }
}

/**
 * The login manager could not start: its configuration is missing or unsafe.
 * The message names the setting and what to set.
 *
 * @since 0.2.0
 * @category errors
 */
export class LoginConfigError extends Data.TaggedError("LoginConfigError")<{
  readonly message: string
}> {
  /**
   * Marks the error (see `TypeId`).
   *
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
}
