/**
 * What every request's session shares, resolved once when the login manager's
 * Layer is built, and the two facts about a user that a login records.
 *
 * @internal
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as PubSub from "effect/PubSub"
import type * as FlaskCompat from "../FlaskCompat.js"
import type * as LoginEvents from "../LoginEvents.js"
import type * as UserLoader from "../UserLoader.js"
import type * as csrfGuard from "./csrfGuard.js"
import type * as persistence from "./persistence.js"
import type * as refusal from "./refusal.js"
import type * as rememberMe from "./rememberMe.js"
import type { Binding } from "./sessionData.js"
import type * as sessionProtection from "./sessionProtection.js"

/** @internal */
export interface Config {
  readonly persistence: persistence.Persistence
  readonly loader: UserLoader.UserLoader
  readonly events: PubSub.PubSub<LoginEvents.LoginEvent>
  readonly remember: rememberMe.Settings
  readonly protection: sessionProtection.Mode
  /** Identifies the client (IP and User-Agent, hashed); `undefined` when protection is off. */
  readonly client: ((request: HttpServerRequest.HttpServerRequest) => string) | undefined
  /** Hashes a security stamp with a key of its own, so that the session never holds the stamp itself. */
  readonly stampHash: (stamp: string) => string
  readonly freshMaxAgeMillis: number | undefined
  readonly refusal: refusal.Settings
  /** Also accept a Flask app's cookies, and replace them with ours. */
  readonly flask: FlaskCompat.Options | undefined
  /** `undefined` when CSRF protection is off. */
  readonly csrf: csrfGuard.Settings | undefined
}

/**
 * The hash of the user's security stamp, when the application keeps stamps.
 *
 * @internal
 */
export const stampOf = (config: Config, user: unknown): string | undefined => {
  const stamp = config.loader.securityStamp?.(user)
  return stamp === undefined ? undefined : config.stampHash(stamp)
}

/**
 * What ties a login of `user` to this client and to the user's stamp.
 *
 * @internal
 */
export const bindingOf = (config: Config, request: HttpServerRequest.HttpServerRequest, user: unknown): Binding => ({
  client: config.client?.(request),
  stamp: stampOf(config, user)
})
