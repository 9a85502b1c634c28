/**
 * Flask-Login's quickstart, ported: two users, a login form, a protected page.
 *
 *     npm start                      # http://127.0.0.1:3000
 *     PORT=8080 SECRET_KEY=... npm start
 *
 * Without SECRET_KEY it runs with a development secret, and says so loudly.
 * The app itself is `QuickstartApp`, so that tests can serve it too.
 */
import { RateLimiter } from "@effect/experimental"
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Config, Effect, Layer, Option, Redacted, Schema } from "effect"
import { LoginManager, SafeRedirect, Session, UserLoader } from "effect-login"
import { createServer } from "node:http"
import { pathToFileURL } from "node:url"
import { countAttempt } from "./recipes/login-rate-limit.js"
import { checkCredentials } from "./recipes/passwords.js"

// --- Your users ------------------------------------------------------------

interface User {
  readonly id: string
  readonly name: string
  /** Never the password: its scrypt hash (examples/recipes/passwords.ts made these). */
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

export const UsersLive = layer((id) => Effect.succeed(Option.fromNullable(users.get(id))))

// --- Pages -----------------------------------------------------------------

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const page = (body: string) =>
  HttpServerResponse.html(`<!doctype html><meta charset="utf-8"><title>effect-login quickstart</title>${body}`)

const index = Effect.gen(function*() {
  const user = yield* CurrentUser
  return isAuthenticated(user)
    ? page(
      `<p>Logged in as ${escapeHtml(user.name)}. <a href="/protected">Protected</a> · <a href="/logout">Log out</a></p>`
    )
    : page(`<p>Hello, stranger. <a href="/login">Log in</a></p>`)
})

const loginForm = Effect.gen(function*() {
  const { next } = yield* HttpServerRequest.schemaSearchParams(Schema.Struct({ next: Schema.optional(Schema.String) }))
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
  remember: Schema.optional(Schema.String),
  next: Schema.optional(Schema.String)
})

const loginSubmit = Effect.gen(function*() {
  const form = yield* HttpServerRequest.schemaBodyUrlParams(LoginForm)
  const query = yield* HttpServerRequest.schemaSearchParams(Schema.Struct({ next: Schema.optional(Schema.String) }))
  yield* countAttempt(form.username)
  const user = yield* checkCredentials(users.get(form.username), form.password)
  if (user === undefined) return HttpServerResponse.text("Invalid credentials", { status: 401 })
  yield* login(user, { remember: form.remember === "on" })
  return HttpServerResponse.redirect(SafeRedirect.safeNext(form.next ?? query.next), { status: 303 })
}).pipe(
  Effect.catchTag("ParseError", () => Effect.succeed(HttpServerResponse.text("Invalid credentials", { status: 401 })))
)

const protectedPage = Effect.gen(function*() {
  const user = yield* AuthenticatedUser
  return page(`<p>Logged in as: ${escapeHtml(user.name)}</p><p><a href="/logout">Log out</a></p>`)
})

const logout = Effect.gen(function*() {
  yield* Session.logout
  return page(`<p>Logged out. <a href="/">Home</a></p>`)
})

export const QuickstartApp = HttpRouter.empty.pipe(
  HttpRouter.get("/", index),
  HttpRouter.get("/login", loginForm),
  HttpRouter.post("/login", loginSubmit),
  HttpRouter.get("/protected", protectedPage.pipe(loginRequired)),
  HttpRouter.get("/logout", logout),
  LoginManager.middleware
)

// --- Configuration ---------------------------------------------------------

const developmentSecret = Redacted.make("development-only-secret-do-not-use-in-production!")

/**
 * The login manager, with `SECRET_KEY` from the environment (or a development secret and a loud warning),
 * and the limiter of login attempts.
 */
export const LoginLive = Layer.unwrapEffect(
  Effect.gen(function*() {
    const secret = yield* Config.option(Config.redacted("SECRET_KEY"))
    if (Option.isNone(secret)) {
      yield* Effect.logWarning(
        "\n!!! SECRET_KEY is not set: using a DEVELOPMENT secret.\n" +
          "!!! Anyone can forge sessions. Set SECRET_KEY (e.g. `openssl rand -base64 32`) before deploying.\n"
      )
    }
    // Secure, as in production: browsers keep Secure cookies on http://localhost too. On plain http to
    // another host they drop them, and effect-login says so in a warning: set SESSION_COOKIE_SECURE=false there.
    const secure = yield* Config.boolean("SESSION_COOKIE_SECURE").pipe(Config.withDefault(true))
    return LoginManager.layer({
      secretKey: Option.getOrElse(secret, () => developmentSecret),
      loginView: "/login",
      cookie: { secure }
    })
  })
).pipe(
  Layer.provide(UsersLive),
  // Login attempts are limited (examples/recipes/login-rate-limit.ts), in memory: one instance.
  Layer.merge(RateLimiter.layer.pipe(Layer.provide(RateLimiter.layerStoreMemory)))
)

const ServerLive = Layer.unwrapEffect(
  Effect.map(
    Config.all({
      port: Config.integer("PORT").pipe(Config.withDefault(3000)),
      host: Config.string("HOST").pipe(Config.withDefault("127.0.0.1"))
    }),
    (listen) => NodeHttpServer.layer(createServer, listen)
  )
)

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  HttpServer.serve(QuickstartApp).pipe(
    HttpServer.withLogAddress,
    Layer.tap(() => Effect.logInfo(`Log in as testuser / testpass, or another / anotherpass`)),
    Layer.provide(LoginLive),
    Layer.provide(ServerLive),
    Layer.launch,
    NodeRuntime.runMain
  )
}
