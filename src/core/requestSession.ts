/**
 * The plain decisions of one request's session, shared by both lines (no
 * Effect): whether its login is fresh, what the application's data holds
 * under a key, which view a refusal sends to, whether logging out other
 * devices can reach them, and the user a refusal or logout names. Each line's
 * requestSession.ts wires them to the store, the loader and the events.
 *
 * @internal
 */
import type { SessionData } from "./sessionData.js"

/**
 * The login is fresh: made by a login form (not a request loader, not a
 * remember cookie), within `freshMaxAgeMillis` when there is one.
 *
 * @internal
 */
export const isFresh = (
  data: SessionData | undefined,
  fromRequest: boolean,
  freshMaxAgeMillis: number | undefined,
  now: number
): boolean => {
  if (fromRequest || data?.userId === undefined || data.fresh !== true) return false
  return freshMaxAgeMillis === undefined || (data.freshAt !== undefined && now - data.freshAt < freshMaxAgeMillis)
}

/**
 * The application's value under `key`, when the session holds one (own keys only).
 *
 * @internal
 */
export const valueOf = (
  data: SessionData | undefined,
  key: string
): { readonly value: unknown } | undefined =>
  data?.data !== undefined && Object.hasOwn(data.data, key) ? { value: data.data[key] } : undefined

/**
 * The view an unauthorized request goes to: the one given, none for `null`,
 * the login manager's `loginView` when none is given.
 *
 * @internal
 */
export const loginViewOf = (given: string | null | undefined, configured: string | undefined): string | undefined =>
  given === undefined ? configured : given ?? undefined

/**
 * Other devices can be logged out: their sessions are in a store, or the
 * user's security stamp can change (cookie sessions).
 *
 * @internal
 */
export const canReachOthers = (hasStore: boolean, hasStamps: boolean): boolean => hasStore || hasStamps

/** @internal */
export const revokesNothing = "effect-login: logoutOtherDevices / logoutEverywhere ended no other login: with cookie " +
  "sessions, only a change of the user's security stamp does (give UserLoader.make a securityStamp and change " +
  "it), or use a session store (LoginManager.layerStore)"
