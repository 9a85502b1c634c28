/**
 * Flask-Login's quickstart, ported, on Effect 4: two users, a login form, a protected page.
 * The twin of the Effect 3 line's examples/quickstart.ts.
 *
 *     npm start                      # http://127.0.0.1:3000
 *     PORT=8080 SECRET_KEY=... npm start
 *
 * Without SECRET_KEY it runs with a development secret, and says so loudly.
 * The app itself is `QuickstartApp`, so that tests can serve it too. `npm start` runs this file on the
 * Node 22 of this package, which transforms its TypeScript itself (scripts/register.ts resolves
 * `@effect-login/effect4` to the sources); in an app of yours, run it as you run the rest of your code.
 *
 * It is self-contained: the password hashing of the Effect 3 line's examples/recipes/passwords.ts and the
 * login rate limit of examples/recipes/login-rate-limit.ts (on Effect 4's `effect/persistence/RateLimiter`)
 * are written out below.
 */
import { LoginManager, SafeRedirect, Session, UserLoader } from "@effect-login/effect4"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Cause, Config, Duration, Effect, Exit, Layer, Option, Redacted, Runtime, Schema } from "effect"
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "effect/http"
import { RateLimiter } from "effect/persistence"
import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto"
import { createServer } from "node:http"
import { pathToFileURL } from "node:url"

// --- Passwords (examples/recipes/passwords.ts) -------------------------------

/**
 * scrypt from `node:crypto` (a memory-hard function, as OWASP's password storage cheat sheet recommends
 * after Argon2id), a random salt per password, and the parameters stored with the hash:
 * `scrypt$N$r$p$salt$hash`, base64url. The comparison is constant-time, and an unknown user costs as
 * much as a wrong password, so that response times do not say which usernames exist.
 */
interface Cost {
  readonly N: number
  readonly r: number
  readonly p: number
}

/** OWASP's minimum for scrypt: N=2^17, r=8, p=1 (128 MiB of memory per hash). */
const defaultCost: Cost = { N: 2 ** 17, r: 8, p: 1 }
const keyLength = 32

// scrypt throws, rather than calls back, on parameters it refuses (N not a power of two…).
const derive = (password: string, salt: Buffer, cost: Cost) =>
  Effect.callback<Buffer, unknown>((resume) => {
    try {
      scrypt(password.normalize("NFKC"), salt, keyLength, { ...cost, maxmem: 256 * cost.N * cost.r }, (error, key) =>
        resume(error ? Effect.fail(error) : Effect.succeed(key)))
    } catch (error) {
      resume(Effect.fail(error))
    }
  })

/** What to store in the user's row (how the hashes below were made). */
export const hashPassword = (password: string, cost: Cost = defaultCost): Effect.Effect<string> =>
  Effect.suspend(() => {
    const salt = randomBytes(16)
    return Effect.map(
      Effect.orDie(derive(password, salt, cost)),
      (key) => ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64url"), key.toString("base64url")].join("$")
    )
  })

const parse = (stored: string) => {
  const [scheme, N, r, p, salt, hash] = stored.split("$")
  if (scheme !== "scrypt" || salt === undefined || hash === undefined) return undefined
  const cost = { N: Number(N), r: Number(r), p: Number(p) }
  // A ceiling, so that a tampered row cannot ask for gigabytes per login.
  if (!(cost.N <= 2 ** 20 && cost.r <= 16 && cost.p <= 4)) return undefined
  return { cost, salt: Buffer.from(salt, "base64url"), hash: Buffer.from(hash, "base64url") }
}

/** True when `password` matches `stored`; a malformed `stored` is `false`, never a defect. */
const verifyPassword = (password: string, stored: string): Effect.Effect<boolean> =>
  Effect.suspend(() => {
    const parsed = parse(stored)
    if (parsed === undefined || parsed.hash.length !== keyLength) return Effect.succeed(false)
    return derive(password, parsed.salt, parsed.cost).pipe(
      Effect.map((key) => timingSafeEqual(key, parsed.hash)),
      Effect.orElseSucceed(() => false)
    )
  })

/** A hash of a password no user has: what an unknown username is checked against. */
const unknownUserHash = "scrypt$131072$8$1$GE4iqb4hp5bSBwjK8UO9ig$UWn1E_gyQ1ouoX_pZB33yiE--7yl1PQqUC06vlBHOY0"

/** The user when the password matches, `undefined` otherwise (an unknown user takes as long). */
const checkCredentials = <User extends { readonly passwordHash: string }>(
  user: User | undefined,
  password: string
): Effect.Effect<User | undefined> =>
  Effect.map(
    verifyPassword(password, user?.passwordHash ?? unknownUserHash),
    (matches) => matches && user !== undefined ? user : undefined
  )

// --- Login attempts (examples/recipes/login-rate-limit.ts) ------------------

/**
 * Two fixed windows, as OWASP's authentication cheat sheet suggests: per account and per client
 * address. Every attempt counts, before the password is checked. Over a limit the answer is 429 with
 * `Retry-After`; if the limiter's store fails or does not answer within 2 seconds, 503 (it fails closed).
 */
const limits = {
  account: { limit: 10, window: "15 minutes" },
  client: { limit: 30, window: "1 minute" }
} as const

// The store holds a hash of the username, not the username.
const accountKey = (username: string) =>
  `login:account:${createHash("sha256").update(username.normalize("NFKC").toLowerCase()).digest("base64url")}`

/** Counts one login attempt; `Some(response)` when it must be refused. */
const countAttempt = (username: string) =>
  Effect.gen(function*() {
    const limiter = yield* RateLimiter.RateLimiter
    const request = yield* HttpServerRequest.HttpServerRequest
    const client = Option.getOrElse(request.remoteAddress, () => "unknown")
    yield* limiter.consume({ key: `login:client:${client}`, ...limits.client, onExceeded: "fail" })
    yield* limiter.consume({ key: accountKey(username), ...limits.account, onExceeded: "fail" })
    return Option.none<HttpServerResponse.HttpServerResponse>()
  }).pipe(
    // A store that does not answer must not hang the login.
    Effect.timeoutOrElse({ duration: "2 seconds", orElse: () => Effect.fail("timeout" as const) }),
    Effect.catch((error) => {
      if (error !== "timeout" && error.reason._tag === "RateLimitExceeded") {
        const seconds = Math.max(1, Math.ceil(Duration.toSeconds(error.reason.retryAfter)))
        return Effect.succeedSome(
          HttpServerResponse.text("Too many login attempts", {
            status: 429,
            headers: { "retry-after": String(seconds) }
          })
        )
      }
      return Effect.succeedSome(HttpServerResponse.text("Service Unavailable", { status: 503 }))
    })
  )

// --- Your users ------------------------------------------------------------

interface User {
  readonly id: string
  readonly name: string
  /** Never the password: its scrypt hash (`hashPassword` made these). */
  readonly passwordHash: string
}

// The demo users' passwords are "testpass" and "anotherpass".
const users: ReadonlyMap<string, User> = new Map([
  ["testuser", {
    id: "testuser",
    name: "testuser",
    passwordHash: "scrypt$131072$8$1$sfkMNEG0qc4neBROLfVo8w$8uG2IJpeiDdmqtsgFbZsmapiodNc1dBa8fzS4y3c2gU"
  }],
  ["another", {
    id: "another",
    name: "another",
    passwordHash: "scrypt$131072$8$1$xLyw371Li-zwx5VTby9Hjg$FpUYCAAZhotBw4e9-WhbeFZo99YW7nKGzKHYBBoAU5w"
  }]
])

export const Users = UserLoader.make("app/Users", { id: (user: User) => user.id })
export const { AuthenticatedUser, CurrentUser, isAuthenticated, layer, login, loginRequired } = Users

export const UsersLive = layer((id) => Effect.succeed(Option.fromNullishOr(users.get(id))))

// --- Pages -----------------------------------------------------------------

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const page = (body: string) =>
  HttpServerResponse.html(`<!doctype html><meta charset="utf-8"><title>effect-login quickstart</title>${body}`)

const Next = Schema.Struct({ next: Schema.optionalKey(Schema.String) })

const index = Effect.gen(function*() {
  const user = yield* CurrentUser
  return isAuthenticated(user)
    ? page(
      `<p>Logged in as ${escapeHtml(user.name)}. <a href="/protected">Protected</a> · <a href="/logout">Log out</a></p>`
    )
    : page(`<p>Hello, stranger. <a href="/login">Log in</a></p>`)
})

const loginForm = Effect.gen(function*() {
  const { next } = yield* HttpServerRequest.schemaSearchParams(Next)
  const action = next === undefined ? "/login" : `/login?next=${encodeURIComponent(next)}`
  const flashes = yield* Session.takeFlashes
  const messages = flashes.map(([category, message]) => `<p class="${escapeHtml(category)}">${escapeHtml(message)}</p>`)
  return page(`${messages.join("")}<form method="post" action="${escapeHtml(action)}">
  <label>Username <input name="username" autocomplete="username"></label>
  <label>Password <input name="password" type="password" autocomplete="current-password"></label>
  <label><input name="remember" type="checkbox"> Remember me</label>
  <button type="submit">Log in</button>
</form>`)
})

const LoginForm = Schema.Struct({
  username: Schema.String,
  password: Schema.String,
  remember: Schema.optionalKey(Schema.String),
  next: Schema.optionalKey(Schema.String)
})

const invalidCredentials = HttpServerResponse.text("Invalid credentials", { status: 401 })

const loginSubmit = Effect.gen(function*() {
  const form = yield* HttpServerRequest.schemaBodyUrlParams(LoginForm)
  const query = yield* HttpServerRequest.schemaSearchParams(Next)
  const refused = yield* countAttempt(form.username)
  if (Option.isSome(refused)) return refused.value
  const user = yield* checkCredentials(users.get(form.username), form.password)
  if (user === undefined) return invalidCredentials
  yield* login(user, { remember: form.remember === "on" })
  return HttpServerResponse.redirect(SafeRedirect.safeNext(form.next ?? query.next), { status: 303 })
}).pipe(
  Effect.catchTag("SchemaError", () => Effect.succeed(invalidCredentials))
)

const protectedPage = Effect.gen(function*() {
  const user = yield* AuthenticatedUser
  return page(`<p>Logged in as: ${escapeHtml(user.name)}</p><p><a href="/logout">Log out</a></p>`)
})

const logout = Effect.gen(function*() {
  yield* Session.logout
  return page(`<p>Logged out. <a href="/">Home</a></p>`)
})

/** The routes, as Effect 4's router takes them: a Layer. */
export const routes = HttpRouter.addAll([
  HttpRouter.route("GET", "/", index),
  HttpRouter.route("GET", "/login", loginForm),
  HttpRouter.route("POST", "/login", loginSubmit),
  HttpRouter.route("GET", "/protected", protectedPage.pipe(loginRequired)),
  HttpRouter.route("GET", "/logout", logout)
])

/**
 * The app: the routes behind the login middleware, as one HTTP effect. Effect 4's router is built in a
 * scope, so this is an effect that gives the app: `HttpServer.serve(yield* QuickstartApp)`.
 */
export const QuickstartApp = Effect.map(HttpRouter.toHttpEffect(routes), LoginManager.middleware)

// --- Configuration ---------------------------------------------------------

const developmentSecret = Redacted.make("development-only-secret-do-not-use-in-production!")

/**
 * The login manager, with `SECRET_KEY` from the environment (or a development secret and a loud warning),
 * and the limiter of login attempts.
 */
export const LoginLive = Layer.unwrap(
  Effect.gen(function*() {
    const secret = yield* Config.option(Config.Redacted("SECRET_KEY"))
    if (Option.isNone(secret)) {
      yield* Effect.logWarning(
        "\n!!! SECRET_KEY is not set: using a DEVELOPMENT secret.\n" +
          "!!! Anyone can forge sessions. Set SECRET_KEY (e.g. `openssl rand -base64 32`) before deploying.\n"
      )
    }
    // Secure, as in production: browsers keep Secure cookies on http://localhost too. On plain http to
    // another host they drop them, and effect-login says so in a warning: set SESSION_COOKIE_SECURE=false there.
    const secure = yield* Config.Boolean("SESSION_COOKIE_SECURE").pipe(Config.withDefault(true))
    return LoginManager.layer({
      secretKey: Option.getOrElse(secret, () => developmentSecret),
      loginView: "/login",
      cookie: { secure }
    })
  })
).pipe(
  Layer.provide(UsersLive),
  // Login attempts are limited, in memory: one instance (`RateLimiter.layerStoreRedis` for several).
  Layer.merge(RateLimiter.layer.pipe(Layer.provide(RateLimiter.layerStoreMemory)))
)

const ServerLive = Layer.unwrap(
  Effect.map(
    Config.all({
      port: Config.Port("PORT").pipe(Config.withDefault(3000)),
      host: Config.String("HOST").pipe(Config.withDefault("127.0.0.1"))
    }),
    (listen) => NodeHttpServer.layer(createServer, listen)
  )
)

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  Layer.unwrap(Effect.map(QuickstartApp, (app) => HttpServer.serve(app))).pipe(
    HttpServer.withLogAddress,
    Layer.tap(() => Effect.logInfo(`Log in as testuser / testpass, or another / anotherpass`)),
    Layer.provide(LoginLive),
    Layer.provide(ServerLive),
    Layer.launch,
    NodeRuntime.runMain({
      // Ctrl-C interrupts the server: a clean stop, exit 0 (Effect 4's default teardown exits 130 on interruption).
      teardown: (exit, onExit) =>
        Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause) ? onExit(0) : Runtime.defaultTeardown(exit, onExit)
    })
  )
}
