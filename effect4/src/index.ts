/**
 * Cross-site request forgery protection, on by default.
 *
 * @since 0.2.0
 */
export * as Csrf from "./Csrf.js"

/**
 * Reading a Flask app's cookies, for migrations.
 *
 * @since 0.2.0
 */
export * as FlaskCompat from "./FlaskCompat.js"

/**
 * effect-login on HttpApi: middleware tags, security schemes, schema'd errors.
 *
 * @since 0.2.0
 */
export * as HttpApiLogin from "./HttpApiLogin.js"

/**
 * Who is making the request: `Anonymous`, or a user that a guard checked
 * (`Authenticated<User>`, `Fresh<User>`).
 *
 * @since 0.2.0
 */
export * as Identity from "./Identity.js"

/**
 * effect-login on Effect 4's `HttpRouter` (the Layer router): middleware for `Session`, `loginRequired` and `freshLoginRequired`.
 *
 * @since 0.2.0
 */
export * as HttpRouterLogin from "./HttpRouterLogin.js"

/**
 * Every Flask-Login signal as a typed event.
 *
 * @since 0.2.0
 */
export * as LoginEvents from "./LoginEvents.js"

/**
 * The errors of effect-login, in one module.
 *
 * @since 0.2.0
 */
export * as LoginError from "./LoginError.js"

/**
 * The login manager: options, the Layer, and the session middleware.
 *
 * @since 0.2.0
 */
export * as LoginManager from "./LoginManager.js"

/**
 * The options of the login manager.
 *
 * @since 0.2.0
 */
export * as LoginOptions from "./LoginOptions.js"

/**
 * Test Layers and logged-in test clients.
 *
 * @since 0.2.0
 */
export * as LoginTest from "./LoginTest.js"

/**
 * Where refused requests go: the login view of a handler or router, or 401.
 *
 * @since 0.2.0
 */
export * as LoginView from "./LoginView.js"

/**
 * The remember-me cookie.
 *
 * @since 0.2.0
 */
export * as RememberCookie from "./RememberCookie.js"

/**
 * A session store in Redis.
 *
 * @since 0.2.0
 */
export * as RedisStore from "./RedisStore.js"

/**
 * Request loaders: API keys, bearer tokens.
 *
 * @since 0.2.0
 */
export * as RequestLoader from "./RequestLoader.js"

/**
 * Safe `next` redirects and login URLs.
 *
 * @since 0.2.0
 */
export * as SafeRedirect from "./SafeRedirect.js"

/**
 * The per-request session: typed keys, flashes, logout.
 *
 * @since 0.2.0
 */
export * as Session from "./Session.js"

/**
 * The signed or encrypted session cookie.
 *
 * @since 0.2.0
 */
export * as SessionCookie from "./SessionCookie.js"

/**
 * Server-side sessions: the store service, memory and KeyValueStore stores.
 *
 * @since 0.2.0
 */
export * as SessionStore from "./SessionStore.js"

/**
 * A session store on SQL (`effect/sql`'s `SqlClient`), such as PostgreSQL with `@effect/sql-pg`.
 *
 * @since 0.2.0
 */
export * as SqlStore from "./SqlStore.js"

/**
 * The application's user loader and typed login API.
 *
 * @since 0.2.0
 */
export * as UserLoader from "./UserLoader.js"
