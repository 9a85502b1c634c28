/**
 * What every request's session shares, resolved once when the login manager's
 * Layer is built, and the two facts about a user that a login records.
 *
 * @internal
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as PubSub from "effect/PubSub"
import type * as sessionProtection from "../core/sessionProtection.js"
import * as core from "../core/userResolution.js"
import type * as FlaskCompat from "../FlaskCompat.js"
import type * as LoginEvents from "../LoginEvents.js"
import type * as UserLoader from "../UserLoader.js"
import type * as csrfGuard from "./csrfGuard.js"
import type * as persistence from "./persistence.js"
import type * as refusal from "./refusal.js"
import type * as rememberMe from "./rememberMe.js"

/** @internal */
export interface Config {
  readonly persistence: persistence.Persistence
  readonly loader: UserLoader.UserLoader
  readonly events: PubSub.PubSub<LoginEvents.LoginEvent>
  readonly remember: rememberMe.Settings
  readonly protection: sessionProtection.Mode
  /** Identifies the client (IP and User-Agent, keyed hash); `undefined` when protection is off. */
  readonly client: ((request: HttpServerRequest.HttpServerRequest) => string) | undefined
  /** The same under the previous secrets, asked only when the current one does not match. */
  readonly previousClients: ((request: HttpServerRequest.HttpServerRequest) => ReadonlyArray<string>) | undefined
  /**
   * Hashes a security stamp with a key of its own, so that the session never
   * holds the stamp itself: under the current secret, then each previous one.
   */
  readonly stampHashes: (stamp: string) => ReadonlyArray<string>
  readonly freshMaxAgeMillis: number | undefined
  /** A login ends this long after it began (`loginAt`). */
  readonly loginLifetimeMillis: number
  readonly refusal: refusal.Settings
  /** Also accept a Flask app's cookies, and replace them with ours. */
  readonly flask: FlaskCompat.Options | undefined
  /** `undefined` when CSRF protection is off. */
  readonly csrf: csrfGuard.Settings | undefined
  /** The session cookie is `Secure`; `warned`: the plain-http warning was logged (once per manager). */
  readonly secureCookies: { readonly enabled: boolean; warned: boolean }
}

/** @internal */
export const { bindingOf, stampMatch, stampOf } = core
