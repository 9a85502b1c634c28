/**
 * The conformance server of ../shared/CONFORMANCE.md on the Effect 4 line:
 * effect-login's whole behaviour over HTTP, built only from the public API of
 * `@effect-login/effect4`. The twin of the Effect 3 line's
 * test/conformance/server.ts (same routes, users, stores and configuration).
 *
 *     PORT=8123 npx node --experimental-transform-types --import ./scripts/register.ts \
 *       test/conformance/server-effect4.ts
 *
 * (from effect4/, on the Node 22 of its devDependencies: Node transforms the
 * TypeScript itself, and register.ts resolves the package's own name and the
 * `.js` imports to the sources; `--import tsx` runs it as well, where tsx is
 * installed). Tests also serve `ConformanceApp` in-process, configured
 * through a `ConfigProvider` instead of the environment.
 */
import type { LoginOptions } from "@effect-login/effect4"
import {
  LoginError,
  LoginEvents,
  LoginManager,
  LoginView,
  RedisStore,
  RequestLoader,
  SafeRedirect,
  Session,
  SessionStore,
  UserLoader
} from "@effect-login/effect4"
import * as SqlStore from "@effect-login/effect4/SqlStore"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { PgClient } from "@effect/sql-pg"
import {
  Cause,
  Config,
  Console,
  Context,
  Effect,
  Exit,
  Layer,
  Option,
  Predicate,
  Redacted,
  Ref,
  Runtime,
  Schema,
  Stream
} from "effect"
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "effect/http"
import { SqlClient } from "effect/sql"
import type { SqlError } from "effect/sql/SqlError"
import { Redis } from "ioredis"
import { createServer } from "node:http"
import { pathToFileURL } from "node:url"

// --- Users -------------------------------------------------------------------

interface Account {
  readonly id: string
  readonly name: string
  readonly active: boolean
  readonly password: string
}

const accounts: ReadonlyArray<Account> = [
  { id: "1", name: "Notch", active: true, password: "notch-pw" },
  { id: "2", name: "Steve", active: true, password: "steve-pw" },
  { id: "3", name: "Creeper", active: false, password: "creeper-pw" },
  { id: "佐藤", name: "Müller", active: true, password: "muller-pw" }
]

interface StampsShape {
  readonly get: (userId: string) => Effect.Effect<number, LoginError.SessionStoreError>
  readonly bump: (userId: string) => Effect.Effect<void, LoginError.SessionStoreError>
}

/**
 * "Log out everywhere" bumps a user's stamp: every session and remember token
 * made before stops working. The stamp belongs with the user (in an app, a
 * column of the user table): here in memory, or in Redis or PostgreSQL beside
 * the sessions, so that every instance sharing the store agrees on it.
 */
class Stamps extends Context.Service<Stamps, StampsShape>()("conformance/Stamps") {
  static readonly layerMemory = Layer.sync(Stamps, (): StampsShape => {
    const stamps = new Map<string, number>()
    return {
      get: (userId) => Effect.sync(() => stamps.get(userId) ?? 0),
      bump: (userId) => Effect.sync(() => void stamps.set(userId, (stamps.get(userId) ?? 0) + 1))
    }
  })

  static readonly layerSql = Layer.effect(
    Stamps,
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const failed = (operation: string) => (cause: unknown) => new LoginError.SessionStoreError({ operation, cause })
      yield* Effect.mapError(
        sql`CREATE TABLE IF NOT EXISTS conformance_stamps (user_id TEXT PRIMARY KEY, stamp INTEGER NOT NULL)`,
        failed("migrate")
      )
      return {
        get: (userId) =>
          Effect.mapError(
            Effect.map(
              sql<{ readonly stamp: number }>`SELECT stamp FROM conformance_stamps WHERE user_id = ${userId}`,
              (rows) => rows[0]?.stamp ?? 0
            ),
            failed("stamp")
          ),
        bump: (userId) =>
          Effect.mapError(
            sql`INSERT INTO conformance_stamps (user_id, stamp) VALUES (${userId}, 1)
              ON CONFLICT (user_id) DO UPDATE SET stamp = conformance_stamps.stamp + 1`,
            failed("bump stamp")
          ).pipe(Effect.asVoid)
      } satisfies StampsShape
    })
  )

  static readonly layerRedis = (client: RedisStore.RedisClient) => {
    // A store that cannot answer is a 503, as for the sessions themselves.
    const run = (operation: string, script: string, userId: string) =>
      Effect.tryPromise({
        try: () => client.eval(script, 1, `conformance:stamp:${Buffer.from(userId).toString("base64url")}`),
        catch: (cause) => new LoginError.SessionStoreError({ operation, cause })
      })
    return Layer.succeed(Stamps, {
      get: (userId) => Effect.map(run("stamp", "return redis.call('GET', KEYS[1])", userId), (n) => Number(n ?? 0)),
      bump: (userId) => Effect.asVoid(run("bump stamp", "return redis.call('INCR', KEYS[1])", userId))
    })
  }
}

interface User extends Account {
  readonly stamp: number
}

const find = (predicate: (account: Account) => boolean) =>
  Stamps.use((stamps) => {
    const account = accounts.find(predicate)
    return account === undefined
      ? Effect.succeedNone
      : Effect.map(stamps.get(account.id), (stamp) => Option.some<User>({ ...account, stamp }))
  })
const byId = (id: string) => find((account) => account.id === id)
const byName = (name: string) => find((account) => account.name === name)

const {
  AuthenticatedUser,
  CurrentUser,
  freshLoginRequired,
  isAuthenticated,
  layer,
  layerLoginDisabled,
  login,
  loginRequired
} = UserLoader.make("app/Users", {
  id: (user: User) => user.id,
  isActive: (user) => user.active,
  securityStamp: (user) => String(user.stamp)
})

const UsersLive = layer(byId, {
  requestLoaders: [
    RequestLoader.query("user_id", (id) => byId(Redacted.value(id))),
    RequestLoader.bearer((token) => {
      const value = Redacted.value(token)
      return value.startsWith("key-") ? byId(value.slice(4)) : Effect.succeedNone
    })
  ]
})

/** A Redis client for the server's lifetime, failing fast (503) while Redis is away, as examples/redis.ts has it. */
const redisClient = (url: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 500 })
      client.on("error", () => undefined)
      return client
    }),
    (client) => Effect.sync(() => client.disconnect())
  )

/** A database that cannot be reached at start-up is the store's failure, as with Redis. */
const storeError = <A, E, R>(
  layer: Layer.Layer<A, E | SqlError, R>
): Layer.Layer<A, E | LoginError.SessionStoreError, R> =>
  Layer.fromBuild((memoMap, scope) =>
    Effect.mapError(
      Layer.buildWithMemoMap(layer, memoMap, scope),
      (cause) =>
        Predicate.isTagged(cause, "SqlError")
          ? new LoginError.SessionStoreError({ operation: "connect", cause })
          : cause
    )
  )

// --- Events, as the contract names them ---------------------------------------

interface Seen {
  readonly type: string
  readonly userId?: string
}

class EventLog extends Context.Service<EventLog, Ref.Ref<ReadonlyArray<Seen>>>()("conformance/EventLog") {}

const EventLogLive = Layer.effect(
  EventLog,
  Effect.gen(function*() {
    const log = yield* Ref.make<ReadonlyArray<Seen>>([])
    const subscription = yield* LoginEvents.subscribe
    yield* Stream.fromSubscription(subscription).pipe(
      Stream.runForEach((event) => {
        const type = event._tag[0]!.toLowerCase() + event._tag.slice(1)
        const userId = "userId" in event ? event.userId : undefined
        return Ref.update(log, (seen) => [...seen, userId === undefined ? { type } : { type, userId }])
      }),
      Effect.forkScoped
    )
    return log
  })
)

// --- Routes ------------------------------------------------------------------

const text = (body: string, status = 200) => HttpServerResponse.text(body, { status })
const bool = (value: boolean) => text(String(value))
const granted = Effect.succeed(text("Access Granted"))
const logIn = (id: string, options?: Session.LoginOptions) =>
  byId(id).pipe(
    Effect.map(Option.getOrThrow),
    Effect.flatMap((user) => login(user, options)),
    Effect.map(bool)
  )

const LoginForm = Schema.Struct({
  username: Schema.String,
  password: Schema.String,
  remember: Schema.optionalKey(Schema.String),
  next: Schema.optionalKey(Schema.String)
})

const loginSubmit = Effect.gen(function*() {
  const form = yield* HttpServerRequest.schemaBodyUrlParams(LoginForm).pipe(Effect.option)
  const query = yield* HttpServerRequest.ParsedSearchParams
  const user = Option.isSome(form) ? yield* byName(form.value.username) : Option.none()
  if (
    Option.isNone(form) || Option.isNone(user) || user.value.password !== form.value.password ||
    !(yield* login(user.value, { remember: form.value.remember === "on" }))
  ) {
    return text("Invalid credentials", 401)
  }
  const next = form.value.next ?? (typeof query.next === "string" ? query.next : undefined)
  return HttpServerResponse.redirect(SafeRedirect.safeNext(next), { status: 303 })
})

const viewOrNext = (page: string) =>
  Effect.gen(function*() {
    const useSessionForNext = yield* Config.Boolean("USE_SESSION_FOR_NEXT").pipe(Config.withDefault(false))
    if (!useSessionForNext) return text(page)
    return text(Option.getOrElse(yield* Session.takeNext, () => ""))
  })

const Foo = Session.key("foo", Schema.String)

// Effect 4's router is a Layer of routes (Effect 3's HttpRouter.get/all/options are HttpRouter.route).
const routes = HttpRouter.addAll([
  HttpRouter.route("GET", "/", Effect.succeed(text("Welcome!"))),
  HttpRouter.route(
    "GET",
    "/username",
    Effect.map(CurrentUser, (user) => text(isAuthenticated(user) ? user.name : "Anonymous"))
  ),
  HttpRouter.route("GET", "/userid", Effect.map(CurrentUser, (user) => text(isAuthenticated(user) ? user.id : ""))),
  HttpRouter.route("GET", "/is-fresh", Effect.map(Session.isFresh, bool)),
  HttpRouter.route("GET", "/is-remembered", Effect.map(Session.isRemembered, bool)),
  HttpRouter.route("GET", "/login-notch", logIn("1")),
  HttpRouter.route("GET", "/login-notch-remember", logIn("1", { remember: true })),
  HttpRouter.route("GET", "/login-notch-remember-custom", logIn("1", { remember: true, duration: "7 hours" })),
  HttpRouter.route("GET", "/login-notch-unfresh", logIn("1", { fresh: false })),
  HttpRouter.route("GET", "/login-creeper", logIn("3")),
  HttpRouter.route("GET", "/login-creeper-forced", logIn("3", { force: true })),
  HttpRouter.route("GET", "/login-muller-remember", logIn("佐藤", { remember: true })),
  HttpRouter.route("GET", "/logout", Effect.as(Session.logout, bool(true))),
  HttpRouter.route(
    "GET",
    "/logout-everywhere",
    Effect.gen(function*() {
      const user = yield* CurrentUser
      const stamps = yield* Stamps
      // The stamp revokes remember tokens and cookie sessions; the store's sessions are deleted.
      if (isAuthenticated(user)) yield* stamps.bump(user.id)
      yield* Session.logoutEverywhere
      return bool(true)
    })
  ),
  HttpRouter.route("GET", "/confirm-login", Effect.as(Session.confirmLogin, text(""))),
  HttpRouter.route("GET", "/secret", LoginView.unauthorized),
  HttpRouter.route("GET", "/needs-refresh", LoginView.needsRefresh),
  HttpRouter.route("*", "/protected", AuthenticatedUser.use(() => granted).pipe(loginRequired)),
  HttpRouter.route(
    "*",
    "/fresh-protected",
    AuthenticatedUser.use(() => granted).pipe(freshLoginRequired)
  ),
  HttpRouter.route("GET", "/login", viewOrNext("Login page")),
  HttpRouter.route("POST", "/login", loginSubmit),
  HttpRouter.route("GET", "/refresh-view", viewOrNext("Refresh page")),
  HttpRouter.route("GET", "/set-foo", Effect.as(Foo.set("bar"), text("ok"))),
  HttpRouter.route("GET", "/get-foo", Effect.map(Foo.get, (foo) => text(Option.getOrElse(foo, () => "")))),
  HttpRouter.route(
    "GET",
    "/flashes",
    Effect.flatMap(Session.takeFlashes, (flashes) => HttpServerResponse.json(flashes))
  ),
  HttpRouter.route(
    "GET",
    "/events",
    Effect.gen(function*() {
      const { clear } = yield* HttpServerRequest.ParsedSearchParams
      const log = yield* EventLog
      const seen = clear === "1" ? yield* Ref.getAndSet(log, []) : yield* Ref.get(log)
      return yield* HttpServerResponse.json(seen)
    })
  ),
  HttpRouter.route("OPTIONS", "*", Effect.succeed(HttpServerResponse.empty({ status: 204 })))
])

/**
 * The app: the routes behind the login middleware, as one HTTP effect. Effect 4's
 * router is built in a scope, so this is an effect that gives the app (as
 * test/utils/fixtures.ts's `app`): `testClient(yield* ConformanceApp)`.
 */
export const ConformanceApp = Effect.map(HttpRouter.toHttpEffect(routes), LoginManager.middleware)

// --- Configuration -------------------------------------------------------------

const optionalString = (name: string) => Config.String(name).pipe(Config.option, Config.map(Option.getOrUndefined))
const flag = (name: string) => Config.Boolean(name).pipe(Config.withDefault(false))

/** Everything but the server, configured as the contract says (from the environment by default). */
export const ConformanceLive = Layer.unwrap(
  Effect.gen(function*() {
    const store = yield* Config.Literals(["cookie", "memory", "redis", "postgres"], "SESSION_STORE").pipe(
      Config.withDefault("cookie")
    )
    const secure = yield* flag("COOKIE_SECURE")
    const secretKey = yield* Config.Redacted("SECRET_KEY").pipe(
      Config.withDefault(Redacted.make("conformance-secret-key-0123456789abcdef"))
    )
    const flaskCompat = yield* flag("FLASK_COMPAT")
    const options: LoginOptions.Options = {
      // A Flask app's key may be shorter than the 32 bytes ours must have: this fixture
      // stretches it for its own cookies, and verifies Flask's cookies with it as it is.
      secretKey: flaskCompat ? Redacted.make(Redacted.value(secretKey).padEnd(32, "!")) : secretKey,
      flaskCompat: flaskCompat
        ? {
          secretKey,
          // The migration window: FLASK_COMPAT_UNTIL (an ISO date), else 90 days from start-up.
          until: yield* Config.Date("FLASK_COMPAT_UNTIL").pipe(
            Config.withDefault(new Date(Date.now() + 90 * 24 * 3600 * 1000))
          ),
          // Stamps start at 0: a user who logged out everywhere since has no Flask cookie accepted.
          stampAtMigration: "0"
        }
        : undefined,
      sessionProtection: yield* Config.Literals(["off", "basic", "strong"], "SESSION_PROTECTION").pipe(
        Config.withDefault("off")
      ),
      loginView: yield* optionalString("LOGIN_VIEW"),
      refreshView: yield* optionalString("REFRESH_VIEW"),
      useSessionForNext: yield* flag("USE_SESSION_FOR_NEXT"),
      cookie: { secure },
      remember: {
        name: yield* Config.String("REMEMBER_COOKIE_NAME").pipe(Config.withDefault("remember")),
        duration: yield* Config.Int("REMEMBER_COOKIE_DURATION").pipe(
          Config.map((seconds) => `${seconds} seconds` as const),
          Config.withDefault("365 days" as const)
        ),
        path: yield* Config.String("REMEMBER_COOKIE_PATH").pipe(Config.withDefault("/")),
        domain: yield* optionalString("REMEMBER_COOKIE_DOMAIN"),
        refreshEachRequest: yield* flag("REMEMBER_COOKIE_REFRESH_EACH_REQUEST"),
        // Flask-Login never caps a refreshed remember cookie; effect-login does (365 days by default), which
        // with the contract's 365-day duration would leave refreshes nothing to extend.
        absoluteTimeout: "3650 days",
        secure
      }
    }
    // Sessions in the cookie (the default), or server-side in memory, in Redis (REDIS_URL) or in
    // PostgreSQL (DATABASE_URL), and the users' stamps beside them.
    const storage: Layer.Layer<
      SessionStore.SessionStore | Stamps,
      Config.ConfigError | LoginError.SessionStoreError
    > = store === "redis"
      ? Layer.unwrap(
        // "listening" only once the store answers (the contract): RedisStore.layer waits for Redis.
        Effect.map(
          Effect.flatMap(Config.String("REDIS_URL"), redisClient),
          (client) => Layer.merge(RedisStore.layer(client), Stamps.layerRedis(client))
        )
      )
      : store === "postgres"
      ? Layer.unwrap(
        // Sessions and stamps in one database; the SQL store's table is created first.
        Effect.map(Config.Redacted("DATABASE_URL"), (url) =>
          Layer.merge(SqlStore.layer(), Stamps.layerSql).pipe(
            Layer.provide(Layer.effectDiscard(SqlStore.migrate())),
            Layer.provide(PgClient.layer({ url })),
            storeError
          ))
      )
      : Layer.merge(SessionStore.layerMemory(), Stamps.layerMemory)
    const login = store === "cookie" ? LoginManager.layer(options) : LoginManager.layerStore(options)
    const disabled = (yield* flag("LOGIN_DISABLED"))
      ? layerLoginDisabled({ id: "", name: "Anonymous", active: true, password: "", stamp: 0 })
      : Layer.empty
    return Layer.mergeAll(EventLogLive.pipe(Layer.provideMerge(login)), disabled).pipe(
      Layer.provide(UsersLive),
      Layer.provideMerge(storage)
    )
  })
)

/** Serves the contract on PORT until SIGTERM. */
export const main = () => {
  const port = Config.Int("PORT")
  Layer.unwrap(Effect.map(ConformanceApp, (app) => HttpServer.serve(app))).pipe(
    Layer.provide(ConformanceLive),
    Layer.tap(() => Effect.flatMap(port, (port) => Console.log(`listening on ${port}`))),
    Layer.provide(
      Layer.unwrap(Effect.map(port, (port) => NodeHttpServer.layer(createServer, { port, host: "127.0.0.1" })))
    ),
    Layer.launch,
    NodeRuntime.runMain({
      // SIGTERM interrupts the server: a clean stop, exit 0 (Effect 4's default teardown exits 130 on interruption).
      teardown: (exit, onExit) =>
        Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause) ? onExit(0) : Runtime.defaultTeardown(exit, onExit)
    })
  )
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main()
