/**
 * Where a login may send the user back to: only a path on this site, never
 * another origin (an open redirect). The same module as the Effect 3 line's
 * (it is part of the shared core, with no Effect in it): `safeNext`,
 * `isSafeNext`, `loginUrl`, documented in the Effect 3 line's reference
 * (docs/modules/SafeRedirect.ts.md).
 *
 * @since 0.2.0
 */
export * from "../../src/SafeRedirect.js"
