/**
 * The conformance server of ../shared/CONFORMANCE.md: effect-login's whole
 * behaviour over HTTP, built only from the public API.
 *
 *     PORT=8123 node --import tsx test/conformance/server.ts
 *
 * Tests also serve `ConformanceApp` in-process, configured through a
 * `ConfigProvider` instead of the environment.
 */
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import type { ConfigError } from "effect"
import { Config, Console, Context, Effect, Layer, Option, Redacted, Ref, Schema, Stream } from "effect"
import type { LoginOptions } from "effect-login"
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
} from "effect-login"
import * as SqlStore from "effect-login/SqlStore"
import { createServer } from "node:http"
import { pathToFileURL } from "node:url"
import { redisClient } from "../../examples/redis.js"

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

/**
 * "Log out everywhere" bumps a user's stamp: every session and remember token
 * made before stops working. The stamp belongs with the user (in an app, a
 * column of the user table): here in memory, or in Redis beside the sessions,
 * so that every instance sharing the store agrees on it.
 */
class Stamps extends Context.Tag("conformance/Stamps")<Stamps, {
  readonly get: (userId: string) => Effect.Effect<number, LoginError.SessionStoreError>
  readonly bump: (userId: string) => Effect.Effect<void, LoginError.SessionStoreError>
}>() {
  static readonly layerMemory = Layer.sync(Stamps, () => {
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
      }
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
  Effect.flatMap(Stamps, (stamps) => {
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

// --- Events, as the contract names them ---------------------------------------

interface Seen {
  readonly type: string
  readonly userId?: string
}

class EventLog extends Context.Tag("conformance/EventLog")<EventLog, Ref.Ref<ReadonlyArray<Seen>>>() {}

const EventLogLive = Layer.scoped(
  EventLog,
  Effect.gen(function*() {
    const log = yield* Ref.make<ReadonlyArray<Seen>>([])
    const subscription = yield* LoginEvents.subscribe
    yield* Stream.fromQueue(subscription).pipe(
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
  byId(id).pipe(Effect.map(Option.getOrThrow), Effect.flatMap((user) => login(user, options)), Effect.map(bool))

const LoginForm = Schema.Struct({
  username: Schema.String,
  password: Schema.String,
  remember: Schema.optional(Schema.String),
  next: Schema.optional(Schema.String)
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
    const useSessionForNext = yield* Config.boolean("USE_SESSION_FOR_NEXT").pipe(Config.withDefault(false))
    if (!useSessionForNext) return text(page)
    return text(Option.getOrElse(yield* Session.takeNext, () => ""))
  })

const routes = HttpRouter.empty.pipe(
  HttpRouter.get("/", Effect.succeed(text("Welcome!"))),
  HttpRouter.get("/username", Effect.map(CurrentUser, (user) => text(isAuthenticated(user) ? user.name : "Anonymous"))),
  HttpRouter.get("/userid", Effect.map(CurrentUser, (user) => text(isAuthenticated(user) ? user.id : ""))),
  HttpRouter.get("/is-fresh", Effect.map(Session.isFresh, bool)),
  HttpRouter.get("/is-remembered", Effect.map(Session.isRemembered, bool)),
  HttpRouter.get("/login-notch", logIn("1")),
  HttpRouter.get("/login-notch-remember", logIn("1", { remember: true })),
  HttpRouter.get("/login-notch-remember-custom", logIn("1", { remember: true, duration: "7 hours" })),
  HttpRouter.get("/login-notch-unfresh", logIn("1", { fresh: false })),
  HttpRouter.get("/login-creeper", logIn("3")),
  HttpRouter.get("/login-creeper-forced", logIn("3", { force: true }))
).pipe(
  HttpRouter.get("/login-muller-remember", logIn("佐藤", { remember: true })),
  HttpRouter.get("/logout", Effect.as(Session.logout, bool(true))),
  HttpRouter.get(
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
  HttpRouter.get("/confirm-login", Effect.as(Session.confirmLogin, text(""))),
  HttpRouter.get("/secret", LoginView.unauthorized),
  HttpRouter.get("/needs-refresh", LoginView.needsRefresh),
  HttpRouter.all("/protected", Effect.zipRight(AuthenticatedUser, granted).pipe(loginRequired)),
  HttpRouter.all("/fresh-protected", Effect.zipRight(AuthenticatedUser, granted).pipe(freshLoginRequired)),
  HttpRouter.get("/login", viewOrNext("Login page")),
  HttpRouter.post("/login", loginSubmit),
  HttpRouter.get("/refresh-view", viewOrNext("Refresh page")),
  HttpRouter.get("/set-foo", Effect.as(Session.key("foo", Schema.String).set("bar"), text("ok"))),
  HttpRouter.get(
    "/get-foo",
    Effect.map(Session.key("foo", Schema.String).get, (foo) => text(Option.getOrElse(foo, () => "")))
  ),
  HttpRouter.get("/flashes", Effect.flatMap(Session.takeFlashes, (flashes) => HttpServerResponse.json(flashes))),
  HttpRouter.get(
    "/events",
    Effect.gen(function*() {
      const { clear } = yield* HttpServerRequest.ParsedSearchParams
      const seen = clear === "1" ? yield* Ref.getAndSet(yield* EventLog, []) : yield* Ref.get(yield* EventLog)
      return yield* HttpServerResponse.json(seen)
    })
  ),
  HttpRouter.options("*", Effect.succeed(HttpServerResponse.empty({ status: 204 })))
)

export const ConformanceApp = LoginManager.middleware(routes)

// --- Configuration -------------------------------------------------------------

const optionalString = (name: string) => Config.string(name).pipe(Config.option, Config.map(Option.getOrUndefined))
const flag = (name: string) => Config.boolean(name).pipe(Config.withDefault(false))

/** Everything but the server, configured as the contract says (from the environment by default). */
export const ConformanceLive = Layer.unwrapEffect(
  Effect.gen(function*() {
    const store = yield* Config.literal("cookie", "memory", "redis", "postgres")("SESSION_STORE").pipe(
      Config.withDefault("cookie")
    )
    const secure = yield* flag("COOKIE_SECURE")
    const secretKey = yield* Config.redacted("SECRET_KEY").pipe(
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
          until: yield* Config.date("FLASK_COMPAT_UNTIL").pipe(
            Config.withDefault(new Date(Date.now() + 90 * 24 * 3600 * 1000))
          ),
          // Stamps start at 0: a user who logged out everywhere since has no Flask cookie accepted.
          stampAtMigration: "0"
        }
        : undefined,
      sessionProtection: yield* Config.literal("off", "basic", "strong")("SESSION_PROTECTION").pipe(
        Config.withDefault("off")
      ),
      loginView: yield* optionalString("LOGIN_VIEW"),
      refreshView: yield* optionalString("REFRESH_VIEW"),
      useSessionForNext: yield* flag("USE_SESSION_FOR_NEXT"),
      cookie: { secure },
      remember: {
        name: yield* Config.string("REMEMBER_COOKIE_NAME").pipe(Config.withDefault("remember")),
        duration: yield* Config.integer("REMEMBER_COOKIE_DURATION").pipe(
          Config.map((seconds) => `${seconds} seconds` as const),
          Config.withDefault("365 days" as const)
        ),
        path: yield* Config.string("REMEMBER_COOKIE_PATH").pipe(Config.withDefault("/")),
        domain: yield* optionalString("REMEMBER_COOKIE_DOMAIN"),
        refreshEachRequest: yield* flag("REMEMBER_COOKIE_REFRESH_EACH_REQUEST"),
        // Flask-Login never caps a refreshed remember cookie; effect-login does (365 days by default), which
        // with the contract's 365-day duration would leave refreshes nothing to extend.
        absoluteTimeout: "3650 days",
        secure
      }
    }
    // Sessions in the cookie (the default), or server-side in memory or in Redis (REDIS_URL),
    // and the users' stamps beside them.
    const storage: Layer.Layer<
      SessionStore.SessionStore | Stamps,
      ConfigError.ConfigError | LoginError.SessionStoreError
    > = store === "redis"
      ? Layer.unwrapScoped(
        // "listening" only once the store answers (the contract): RedisStore.layer waits for Redis.
        Effect.map(
          Effect.flatMap(Config.string("REDIS_URL"), redisClient),
          (client) => Layer.merge(RedisStore.layer(client), Stamps.layerRedis(client))
        )
      )
      : store === "postgres"
      ? Layer.unwrapEffect(
        // Sessions and stamps in one database (DATABASE_URL); the SQL store's table is created first.
        Effect.map(Config.redacted("DATABASE_URL"), (url) =>
          Layer.merge(SqlStore.layer(), Stamps.layerSql).pipe(
            Layer.provide(Layer.effectDiscard(SqlStore.migrate())),
            Layer.provide(PgClient.layer({ url })),
            Layer.mapError((cause) =>
              cause._tag === "SqlError" ? new LoginError.SessionStoreError({ operation: "connect", cause }) : cause
            )
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

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Config.integer("PORT")
  HttpServer.serve(ConformanceApp).pipe(
    Layer.provide(ConformanceLive),
    Layer.tap(() => Effect.flatMap(port, (port) => Console.log(`listening on ${port}`))),
    Layer.provide(
      Layer.unwrapEffect(Effect.map(port, (port) => NodeHttpServer.layer(createServer, { port, host: "127.0.0.1" })))
    ),
    Layer.launch,
    NodeRuntime.runMain
  )
}
