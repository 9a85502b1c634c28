/**
 * The options of the login manager (Flask-Login's configuration): the
 * secret, the cookies, remember me, the unauthorized flow, and server-side
 * sessions. `LoginManager.layer` and its siblings take them; every one has
 * an environment variable read by `LoginManager.layerConfig`.
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import type * as Redacted from "effect/Redacted"
import type * as Csrf from "./Csrf.js"
import type * as FlaskCompat from "./FlaskCompat.js"
import type * as SessionStore from "./SessionStore.js"

/**
 * Attributes of the session cookie. The defaults are the safe ones.
 *
 * @since 0.2.0
 * @category models
 */
export interface CookieOptions {
  /**
   * Default `"__Host-session"` when the cookie is Secure, with `Path=/` and no
   * `Domain` (the defaults; no subdomain or plain-http page can then set it,
   * ASVS 3.4.4), else `"session"`; always `"session"` with `flaskCompat`,
   * which reads Flask's cookie by its name.
   */
  readonly name?: string | undefined
  /** Default `"/"`. */
  readonly path?: string | undefined
  /** Default: none (the cookie goes to this host only). */
  readonly domain?: string | undefined
  /** Default `true`; turn it off only for plain-http development. */
  readonly secure?: boolean | undefined
  /** Default `true`: scripts cannot read the session. */
  readonly httpOnly?: boolean | undefined
  /** Default `"lax"`: other sites cannot make the browser send it with their forms. */
  readonly sameSite?: "lax" | "strict" | "none" | undefined
  /**
   * Default `false`: the cookie ends when the browser closes (remember-me is
   * what survives a restart). `true` gives it a `Max-Age` of `maxAge`.
   */
  readonly persistent?: boolean | undefined
}

/**
 * The remember-me cookie (Flask-Login's `REMEMBER_COOKIE_*`).
 *
 * @since 0.2.0
 * @category models
 */
export interface RememberOptions {
  /** Default `"__Host-remember_token"` or `"remember_token"`, by the same rule as the session cookie's. */
  readonly name?: string | undefined
  /**
   * Default 30 days (OWASP ASVS 3.3: a bounded lifetime; Flask-Login's is 365 days);
   * `login(user, { remember: true, duration })` overrides it per login.
   */
  readonly duration?: Duration.Input | undefined
  /** Default `"/"`. */
  readonly path?: string | undefined
  readonly domain?: string | undefined
  /** Default: as the session cookie. */
  readonly secure?: boolean | undefined
  /** Default `true`. */
  readonly httpOnly?: boolean | undefined
  /** Default `"lax"`. */
  readonly sameSite?: "lax" | "strict" | "none" | undefined
  /** Re-send the cookie with a new expiry whenever the browser sends it. Default `false`. */
  readonly refreshEachRequest?: boolean | undefined
  /**
   * With `refreshEachRequest`, the most a remember cookie lives after its login, however often it is
   * refreshed. Default 365 days.
   */
  readonly absoluteTimeout?: Duration.Input | undefined
}

/**
 * A message flashed by the unauthorized or needs-refresh flow.
 *
 * @since 0.2.0
 * @category models
 */
export interface FlashMessage {
  readonly message: string
  /** Default `"message"`. */
  readonly category?: string | undefined
}

/**
 * Everything the login manager can be told; only `secretKey` is required. The configuration reference is docs/configuration.md.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** Signs (and encrypts) sessions. At least 32 bytes. */
  readonly secretKey: Redacted.Redacted
  /**
   * Keys that signed sessions before `secretKey` took over. Their sessions are
   * still accepted, and re-issued under `secretKey` (key rotation).
   */
  readonly previousSecretKeys?: ReadonlyArray<Redacted.Redacted> | undefined
  /** Encrypt the session cookie (AES-256-GCM), not only sign it. Default `false`. */
  readonly encrypt?: boolean | undefined
  /** How long a session stays valid after it was last written. Default 14 days. */
  readonly maxAge?: Duration.Input | undefined
  /**
   * A login ends this long after it began, however busy (OWASP ASVS 3.3.2):
   * the user logs in again, or is restored by the remember cookie. Default
   * 30 days. With a store, `expiry.absoluteTimeout` bounds the session too.
   */
  readonly absoluteTimeout?: Duration.Input | undefined
  /**
   * Where anonymous requests to a route that requires a login are sent, with
   * `next` (a path or an absolute URL). Default: none, they get 401.
   */
  readonly loginView?: string | undefined
  readonly cookie?: CookieOptions | undefined
  readonly remember?: RememberOptions | undefined
  /**
   * Where a stale login is sent by `freshLoginRequired`, with `next` (Flask's
   * `refresh_view`). Default: none, it gets 401.
   */
  readonly refreshView?: string | undefined
  /** A fresh login stops being fresh after this long. Default: it stays fresh for the session. */
  readonly freshMaxAge?: Duration.Input | undefined
  /**
   * Binds a login to its client (IP and User-Agent, hashed). When the client
   * changes, `"basic"` marks the login not fresh and `"strong"` ends it (the
   * application's session data stays). Default `"basic"`, as Flask-Login.
   */
  readonly sessionProtection?: "off" | "basic" | "strong" | undefined
  /**
   * How many proxies in front of the app append to `X-Forwarded-For`; the
   * client IP is read that many entries from the right. Default `0`: the
   * header is ignored, since any client can write it.
   */
  readonly trustedProxies?: number | undefined
  /** Keep `next` in the session instead of the login URL (Flask's `USE_SESSION_FOR_NEXT`). */
  readonly useSessionForNext?: boolean | undefined
  /**
   * Flashed when an anonymous request is sent to the login view. Default
   * "Please log in to access this page." in category "message"; `null` flashes nothing.
   */
  readonly loginMessage?: FlashMessage | null | undefined
  /** Flashed when a stale login is sent to the refresh view. Default "Please reauthenticate to access this page.". */
  readonly needsRefreshMessage?: FlashMessage | null | undefined
  /** Translates flashed messages (Flask's `localize_callback`), e.g. from `Accept-Language`. */
  readonly localize?: ((message: string, request: HttpServerRequest.HttpServerRequest) => string) | undefined
  /** Answers unauthorized requests instead of the redirect or 401 (Flask's `unauthorized_handler`). */
  readonly onUnauthorized?:
    | Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>
    | undefined
  /**
   * Also accept the cookies of the Flask app this one replaces — Flask's
   * session cookie and Flask-Login's remember cookie, under the same names,
   * signed with its SECRET_KEY — and replace them with this library's own
   * (see `FlaskCompat`). For a migration window only: Flask's cookies cannot
   * be revoked.
   */
  readonly flaskCompat?: FlaskCompat.Options | undefined
  /**
   * Cross-site request forgery protection (see `Csrf`): on by default;
   * `trustedOrigins` lists other origins allowed to post with the user's cookies.
   */
  readonly csrf?: Csrf.Options | undefined
  /** Answers stale logins on fresh-only routes (Flask's `needs_refresh_handler`). */
  readonly onNeedsRefresh?:
    | Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>
    | undefined
}

/**
 * Server-side sessions: where they live (the `SessionStore` service) and when
 * they expire.
 *
 * @since 0.2.0
 * @category models
 */
export interface StoreOptions extends Options {
  readonly expiry?: SessionStore.ExpiryOptions | undefined
  /**
   * A write that would make a stored session larger than this fails with
   * `SessionTooLarge`, as a cookie over 4 KB does. Default 16,384 bytes.
   */
  readonly maxSessionBytes?: number | undefined
  /**
   * How many sessions and remember tokens one user may have: a login past it
   * ends the oldest, so that no user's sessions grow without bound and
   * "log out everywhere" stays quick. Default 100.
   */
  readonly maxSessionsPerUser?: number | undefined
}
