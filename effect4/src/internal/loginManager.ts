/**
 * The login manager's construction: the options checked and resolved once
 * into the configuration every request's session shares (loginConfig), and
 * the service that gives each request its session.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Cookies from "effect/http/Cookies"
import * as HttpEffect from "effect/http/HttpEffect"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { memoize } from "../../../src/core/boundedCache.js"
import * as crypto from "../../../src/core/crypto.js"
import { defaultCookieName } from "../../../src/core/loginOptions.js"
import * as sessionData from "../../../src/core/sessionData.js"
import * as sessionProtection from "../../../src/core/sessionProtection.js"
import * as LoginError from "../LoginError.js"
import * as LoginEvents from "../LoginEvents.js"
import * as LoginManager from "../LoginManager.js"
import type * as LoginOptions from "../LoginOptions.js"
import * as RememberCookie from "../RememberCookie.js"
import * as SessionCookie from "../SessionCookie.js"
import type * as SessionStore from "../SessionStore.js"
import { UserLoader } from "../UserLoader.js"
import * as cookiePersistence from "./cookiePersistence.js"
import type * as loginConfig from "./loginConfig.js"
import * as loginOptions from "./loginOptions.js"
import { RequestSession } from "./requestSession.js"
import * as sessionService from "./sessionService.js"
import * as storePersistence from "./storePersistence.js"

/** @internal */
export const make = (
  options: LoginOptions.Options,
  server:
    | {
      readonly store: SessionStore.SessionStore
      readonly policy: SessionStore.ExpiryPolicy
      readonly maxBytes: number
      readonly maxPerUser: number
    }
    | undefined
): Effect.Effect<LoginManager.LoginManager, LoginError.LoginConfigError, UserLoader | LoginEvents.LoginEvents> =>
  Effect.gen(function*() {
    const loader = yield* UserLoader
    const events = yield* LoginEvents.LoginEvents
    const eventsContext = yield* Effect.context<never>()
    // Every setting that is read per request is checked now: a bad one fails the start-up, naming it.
    const problem = loginOptions.problem(options, server)
    if (problem !== undefined) return yield* new LoginError.LoginConfigError({ message: problem })
    const trustedOrigins = loginOptions.trustedOrigins(options)
    if (Result.isFailure(trustedOrigins)) {
      return yield* new LoginError.LoginConfigError({ message: trustedOrigins.failure })
    }

    const maxAge = Duration.fromInputUnsafe(options.maxAge ?? "14 days")
    const cookie = options.cookie ?? {}
    const cookieOptions: Cookies.Cookie["options"] = {
      path: cookie.path ?? "/",
      domain: cookie.domain,
      secure: cookie.secure ?? true,
      httpOnly: cookie.httpOnly ?? true,
      sameSite: cookie.sameSite ?? "lax",
      maxAge: cookie.persistent === true ? maxAge : undefined
    }
    // `__Host-session` where the prefix's rules hold (ASVS 3.4.4), unless the app names its cookies.
    const flaskCompat = options.flaskCompat !== undefined
    const cookieName = cookie.name ?? defaultCookieName("session", cookieOptions, flaskCompat)
    const remember = options.remember ?? {}
    const rememberOptions: Cookies.Cookie["options"] = {
      path: remember.path ?? "/",
      domain: remember.domain,
      secure: remember.secure ?? cookieOptions.secure,
      httpOnly: remember.httpOnly ?? true,
      sameSite: remember.sameSite ?? "lax"
    }
    const rememberName = remember.name ?? defaultCookieName("remember_token", rememberOptions, flaskCompat)
    if (rememberName === cookieName) {
      return yield* new LoginError.LoginConfigError({
        message: `The session and remember cookies are both named "${cookieName}"`
      })
    }
    const cookies = [["session", cookieName, cookieOptions], ["remember", rememberName, rememberOptions]] as const
    for (const [what, name, opts] of cookies) {
      const cookieProblem = loginOptions.cookieProblem(what, name, opts)
      if (cookieProblem !== undefined) return yield* new LoginError.LoginConfigError({ message: cookieProblem })
    }
    const protection = options.sessionProtection ?? "basic"
    const trustedProxies = options.trustedProxies ?? 0
    const secrets = { secretKey: options.secretKey, previousSecretKeys: options.previousSecretKeys }
    // Under every key, the current first: a key rotation must not log everybody out.
    const stampKeys = [options.secretKey, ...(options.previousSecretKeys ?? [])].map((key) =>
      crypto.deriveKey(Redacted.value(key), "security-stamp/hmac-sha256")
    )
    const flash = (message: LoginOptions.FlashMessage | null | undefined, fallback: string) =>
      message === null ? undefined : { message: message?.message ?? fallback, category: message?.category ?? "message" }

    const settings = { name: cookieName, options: cookieOptions }
    // Under every key too: a key rotation must not make every client look like another one.
    const clients = [options.secretKey, ...(options.previousSecretKeys ?? [])].map((key) =>
      sessionProtection.clientIdentifier(trustedProxies, sessionProtection.clientKey(Redacted.value(key)))
    )
    const stampHashes = memoize(
      1024,
      256,
      (stamp) => stampKeys.map((key) => crypto.hmacSha256(key, stamp).subarray(0, 16).toString("base64url"))
    )
    const config: loginConfig.Config = {
      persistence: server === undefined
        ? cookiePersistence.cookie(
          { ...settings, maxAgeMillis: Duration.toMillis(maxAge) },
          SessionCookie.make({ ...secrets, encrypt: options.encrypt, maxAge })
        )
        : storePersistence.store(
          {
            ...settings,
            persistent: cookie.persistent === true,
            maxBytes: server.maxBytes,
            maxPerUser: server.maxPerUser,
            anonymous: SessionCookie.make({
              ...secrets,
              purpose: "anonymous-session",
              maxAge: Duration.millis(server.policy.idle)
            })
          },
          server.store,
          server.policy
        ),
      loader,
      events,
      eventsContext,
      remember: {
        name: rememberName,
        options: rememberOptions,
        durationMillis: Duration.toMillis(remember.duration ?? "30 days"),
        refreshEachRequest: remember.refreshEachRequest ?? false,
        absoluteMillis: Duration.toMillis(remember.absoluteTimeout ?? "365 days"),
        codec: RememberCookie.make(secrets),
        store: server?.store
      },
      protection,
      client: protection === "off" ? undefined : clients[0],
      previousClients: protection === "off" || clients.length === 1
        ? undefined
        : (request) => clients.slice(1).map((identify) => identify(request)),
      stampHashes,
      freshMaxAgeMillis: options.freshMaxAge === undefined ? undefined : Duration.toMillis(options.freshMaxAge),
      loginLifetimeMillis: Duration.toMillis(options.absoluteTimeout ?? "30 days"),
      refusal: {
        loginView: options.loginView,
        refreshView: options.refreshView,
        useSessionForNext: options.useSessionForNext ?? false,
        loginMessage: flash(options.loginMessage, "Please log in to access this page."),
        needsRefreshMessage: flash(options.needsRefreshMessage, "Please reauthenticate to access this page."),
        localize: options.localize ?? ((message) => message),
        onUnauthorized: options.onUnauthorized,
        onNeedsRefresh: options.onNeedsRefresh
      },
      flask: options.flaskCompat,
      secureCookies: { enabled: cookieOptions.secure === true, warned: false },
      csrf: options.csrf?.enabled === false ? undefined : {
        trustedOrigins: trustedOrigins.success,
        secure: cookieOptions.secure === true,
        cookieNames: [cookieName, rememberName],
        allowMissing: options.csrf?.allowMissingOrigin === true
      }
    }
    // Keyed by the request's source (the Node request), which survives `request.modify` by
    // routers: the HttpRouter and HttpApi middleware of one request share one session.
    const sessions = new WeakMap<object, RequestSession>()
    const keyOf = (request: HttpServerRequest.HttpServerRequest): object =>
      typeof request.source === "object" && request.source !== null ? request.source : request
    const of = (request: HttpServerRequest.HttpServerRequest): RequestSession => {
      const key = keyOf(request)
      let session = sessions.get(key)
      if (session === undefined) {
        session = new RequestSession(config, request)
        sessions.set(key, session)
      }
      return session
    }
    // One pre-response step for every request, made once: it finds the request's session, if any.
    const commit: HttpEffect.PreResponseHandler = (request, response) => {
      const session = sessions.get(keyOf(request))
      return session === undefined ? Effect.succeed(response) : session.commit(response)
    }
    // Registered with the request that runs the fiber (found in its context), as the Effect 3 line's
    // `appendPreResponseHandler` does: `sessionFor` then needs nothing but the request it is given.
    const register = Effect.withFiber((fiber) => {
      HttpEffect.appendPreResponseHandlerUnsafe(fiber.context, commit)
      return Effect.void
    })
    const manager = LoginManager.LoginManager.of({
      [LoginManager.TypeId]: LoginManager.TypeId,
      issueSessionCookie: (user, issue) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const stamp = loader.securityStamp?.(user)
          const data = sessionData.issued(
            loader.id(user),
            issue?.fresh ?? true,
            stamp === undefined ? undefined : stampHashes(stamp)[0],
            now
          )
          return Effect.map(
            config.persistence.issue(data, now),
            (value) => Cookies.makeCookieUnsafe(cookieName, value, cookieOptions)
          )
        }),
      sessionFor: (request) =>
        Effect.suspend(() => {
          const session = of(request)
          if (session.registered) return Effect.succeed(session)
          session.registered = true
          return Effect.as(register, session)
        })
    })
    sessionService.track(manager, { of, register, userKey: loader.key })
    return manager
  })

const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  config.pipe(Config.option, Config.map(Option.getOrUndefined))

/** @internal */
export const defaultConfig: Config.Config<LoginOptions.Options> = Config.all({
  secretKey: Config.Redacted("SECRET_KEY"),
  previousSecretKeys: Config.Array(Schema.String, "SECRET_KEY_FALLBACKS").pipe(
    Config.map((secrets) => secrets.map((secret) => Redacted.make(secret))),
    Config.withDefault([])
  ),
  loginView: optional(Config.String("LOGIN_VIEW")),
  refreshView: optional(Config.String("REFRESH_VIEW")),
  encrypt: Config.Boolean("SESSION_ENCRYPT").pipe(Config.withDefault(false)),
  maxAge: Config.Duration("SESSION_MAX_AGE").pipe(Config.withDefault(Duration.days(14))),
  absoluteTimeout: Config.Duration("SESSION_ABSOLUTE_TIMEOUT").pipe(Config.withDefault(Duration.days(30))),
  freshMaxAge: optional(Config.Duration("FRESH_MAX_AGE")),
  sessionProtection: Config.Literals(["off", "basic", "strong"], "SESSION_PROTECTION").pipe(
    Config.withDefault("basic")
  ),
  trustedProxies: Config.Int("TRUSTED_PROXIES").pipe(Config.withDefault(0)),
  useSessionForNext: Config.Boolean("USE_SESSION_FOR_NEXT").pipe(Config.withDefault(false)),
  cookie: Config.all({
    name: optional(Config.String("SESSION_COOKIE_NAME")),
    path: Config.String("SESSION_COOKIE_PATH").pipe(Config.withDefault("/")),
    domain: optional(Config.String("SESSION_COOKIE_DOMAIN")),
    secure: Config.Boolean("SESSION_COOKIE_SECURE").pipe(Config.withDefault(true)),
    sameSite: Config.Literals(["lax", "strict", "none"], "SESSION_COOKIE_SAMESITE").pipe(Config.withDefault("lax")),
    persistent: Config.Boolean("SESSION_COOKIE_PERSISTENT").pipe(Config.withDefault(false))
  }),
  remember: Config.all({
    name: optional(Config.String("REMEMBER_COOKIE_NAME")),
    duration: Config.Duration("REMEMBER_COOKIE_DURATION").pipe(Config.withDefault(Duration.days(30))),
    path: Config.String("REMEMBER_COOKIE_PATH").pipe(Config.withDefault("/")),
    domain: optional(Config.String("REMEMBER_COOKIE_DOMAIN")),
    secure: optional(Config.Boolean("REMEMBER_COOKIE_SECURE")),
    sameSite: Config.Literals(["lax", "strict", "none"], "REMEMBER_COOKIE_SAMESITE").pipe(Config.withDefault("lax")),
    refreshEachRequest: Config.Boolean("REMEMBER_COOKIE_REFRESH_EACH_REQUEST").pipe(Config.withDefault(false)),
    absoluteTimeout: Config.Duration("REMEMBER_COOKIE_ABSOLUTE_TIMEOUT").pipe(Config.withDefault(Duration.days(365)))
  }),
  csrf: Config.all({
    enabled: Config.Boolean("CSRF_ENABLED").pipe(Config.withDefault(true)),
    trustedOrigins: Config.Array(Schema.String, "CSRF_TRUSTED_ORIGINS").pipe(Config.withDefault([])),
    allowMissingOrigin: Config.Boolean("CSRF_ALLOW_MISSING_ORIGIN").pipe(Config.withDefault(false))
  })
})

/**
 * A login manager's Layer: the manager, `Session` for every request it serves, and the hub of its events.
 *
 * @internal
 */
export const layer = <E, R>(
  manager: Effect.Effect<LoginManager.LoginManager, E, R>
): Layer.Layer<LoginManager.LoginManager | LoginEvents.LoginEvents, E, Exclude<R, LoginEvents.LoginEvents>> =>
  Layer.effectContext(Effect.map(manager, sessionService.layerContext)).pipe(Layer.provideMerge(LoginEvents.layer))

/**
 * A configuration that cannot be read, said so that the fix is plain.
 *
 * @internal
 */
export const configError = (error: Config.ConfigError): LoginError.LoginConfigError =>
  new LoginError.LoginConfigError({
    message: String(error).includes("SECRET_KEY")
      ? `${error}: set SECRET_KEY to at least ${LoginManager.minSecretBytes} random bytes, ` +
        `for example the output of \`openssl rand -base64 32\``
      : `Invalid login configuration: ${error}`
  })
