/**
 * The decisions of who a request's user is, shared by both lines (no
 * Effect): whether a user's security stamp is the one a login recorded
 * (under the current secret or a previous one), what ties a login to its
 * client and stamp, what becomes of a session's login before its user is
 * loaded (its absolute lifetime, session protection, a client bound under a
 * previous secret), and what a restored remember cookie becomes (replaced,
 * re-signed, refreshed). Each line's userResolution.ts loads the user and
 * applies these to the session. A config is anything with these fields,
 * which both lines' `Config` is.
 *
 * @internal
 */
import type * as rememberMe from "./rememberMe.js"
import type { Binding, SessionData } from "./sessionData.js"
import { decide, type Mode, stampHolds, type Verdict } from "./sessionProtection.js"

/**
 * How the application's stamps are read and hashed.
 *
 * @internal
 */
export interface Stamps {
  readonly loader: { readonly securityStamp: ((user: unknown) => string) | undefined }
  /** The stamp's hash under every secret, the current first. */
  readonly stampHashes: (stamp: string) => ReadonlyArray<string>
}

/**
 * The hash of the user's security stamp, when the application keeps stamps.
 *
 * @internal
 */
export const stampOf = (config: Stamps, user: unknown): string | undefined => {
  const stamp = config.loader.securityStamp?.(user)
  return stamp === undefined ? undefined : config.stampHashes(stamp)[0]
}

/**
 * Whether the user's stamp is the one a login recorded (`stored`): `"current"`
 * (or the application keeps no stamps), `"previous"` (hashed under a previous
 * secret: still valid, to be recorded again under the current one), or `"changed"`.
 *
 * @internal
 */
export const stampMatch = (
  config: Stamps,
  user: unknown,
  stored: string | undefined
): "current" | "previous" | "changed" => {
  const stamp = config.loader.securityStamp?.(user)
  if (stamp === undefined) return "current"
  const hashes = config.stampHashes(stamp)
  const index = hashes.findIndex((hash) => stampHolds(hash, stored))
  return index === 0 ? "current" : index > 0 ? "previous" : "changed"
}

/**
 * How the application identifies clients (`undefined` when protection is off).
 *
 * @internal
 */
export interface Clients<R> {
  readonly client: ((request: R) => string) | undefined
  /** The client's identifiers under the previous secrets. */
  readonly previousClients: ((request: R) => ReadonlyArray<string>) | undefined
}

/**
 * What ties a login of `user` to this client and to the user's stamp.
 *
 * @internal
 */
export const bindingOf = <R>(config: Stamps & Clients<R>, request: R, user: unknown): Binding => ({
  client: config.client?.(request),
  stamp: stampOf(config, user)
})

/**
 * What becomes of a session's login, before its user is loaded: `Expired`
 * (its absolute lifetime is over, however busy it was), or session
 * protection's verdict for `client` (`config.client` of the request); a
 * client bound under a previous secret is the same client, bound again.
 *
 * @internal
 */
export const sessionVerdict = <R>(
  config: Clients<R> & { readonly protection: Mode; readonly loginLifetimeMillis: number },
  request: R,
  data: SessionData,
  at: number,
  client: string | undefined
): "Expired" | Verdict => {
  if (data.loginAt !== undefined && at - data.loginAt >= config.loginLifetimeMillis) return "Expired"
  const verdict = decide(config.protection, data.client, client)
  return (verdict === "Stale" || verdict === "End") && config.previousClients?.(request).includes(data.client!)
    ? "Bind"
    : verdict
}

/**
 * The stamp a remember cookie recorded: in its token, or in its series (`seriesStamp`).
 *
 * @internal
 */
export const rememberedStamp = (incoming: rememberMe.Incoming, seriesStamp: string | undefined): string | undefined =>
  incoming._tag === "Valid" ? incoming.token.stamp : seriesStamp

/**
 * What the remember cookie that restored a login becomes: a Flask cookie is
 * replaced by a token of ours (which can expire and be revoked); a token
 * signed, or its stamp hashed, under a previous secret is re-signed under the
 * current one; any other is refreshed (with `refreshEachRequest`).
 *
 * @internal
 */
export const afterRestore = (
  incoming: rememberMe.Incoming,
  match: "current" | "previous" | "changed"
): Restored =>
  incoming._tag === "Legacy"
    ? issue
    : incoming._tag === "Valid" && (incoming.stale || match === "previous")
    ? { _tag: "Resign", token: incoming.token }
    : refresh

/** @internal */
export type Restored =
  | { readonly _tag: "Issue" }
  | { readonly _tag: "Resign"; readonly token: rememberMe.Token }
  | { readonly _tag: "Refresh" }

const issue: Restored = { _tag: "Issue" }
const refresh: Restored = { _tag: "Refresh" }
