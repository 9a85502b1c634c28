/**
 * A small server-rendered app with a real login page, on Effect 4: a form with a
 * remember-me box, flashed messages, a settings page behind a fresh login (the
 * password is asked again), and logout. The twin of the Effect 3 line's
 * examples/browser-app.ts.
 *
 *     PORT=3003 node --experimental-transform-types --no-warnings \
 *       --import ./scripts/register.ts examples/browser-app.ts     # users: ada / ada-password
 *
 * The app itself is `BrowserApp` (Effect 4's router is built in a scope, so it is an effect that gives the
 * app: `HttpServer.serve(yield* BrowserApp)`), so that tests can serve it too.
 */
import { LoginManager, SafeRedirect, Session, UserLoader } from "@effect-login/effect4"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Config, Effect, Layer, Option, Redacted, Schema } from "effect"
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "effect/http"
import { timingSafeEqual } from "node:crypto"
import { createServer } from "node:http"
import { pathToFileURL } from "node:url"

interface User {
  readonly id: string
  readonly name: string
  readonly password: string
}

const users: ReadonlyArray<User> = [{ id: "1", name: "ada", password: "ada-password" }]

export const {
  AuthenticatedUser,
  CurrentUser,
  freshLoginRequired,
  FreshUser,
  isAuthenticated,
  layerMemory,
  login,
  loginRequired
} = UserLoader.make("app/Users", {
  id: (user: User) => user.id
})

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const page = (title: string, body: string) =>
  Effect.map(Session.takeFlashes, (flashes) =>
    HttpServerResponse.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font:16px system-ui;max-width:32rem;margin:3rem auto}label{display:block;margin:.5rem 0}
.flash{padding:.5rem;background:#fff3cd;border:1px solid #e0c36c}</style></head>
<body><h1>${escape(title)}</h1>
${flashes.map(([category, message]) => `<p class="flash ${escape(category)}">${escape(message)}</p>`).join("")}
${body}</body></html>`))

const Next = Schema.Struct({ next: Schema.optionalKey(Schema.String) })

const form = (action: string, remember: boolean, username = "") =>
  `<form method="post" action="${escape(action)}">
<label>Username <input name="username" value="${escape(username)}" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
${remember ? `<label><input name="remember" type="checkbox"> Remember me</label>` : ""}
<button type="submit">Log in</button></form>`

const withNext = (path: string, next: string | undefined) =>
  next === undefined ? path : `${path}?next=${encodeURIComponent(next)}`

const Credentials = Schema.Struct({
  username: Schema.String,
  password: Schema.String,
  remember: Schema.optionalKey(Schema.String)
})

const check = (username: string, password: string) =>
  Option.fromNullishOr(
    users.find((user) =>
      user.name === username && user.password.length === password.length &&
      timingSafeEqual(Buffer.from(user.password), Buffer.from(password))
    )
  )

const home = Effect.gen(function*() {
  const user = yield* CurrentUser
  return yield* page(
    "Home",
    isAuthenticated(user)
      ? `<p id="greeting">Hello, ${escape(user.name)}.</p>
<p><a href="/protected">Protected page</a> · <a href="/settings">Settings</a></p>
<form method="post" action="/logout"><button id="logout">Log out</button></form>`
      : `<p id="greeting">Hello, stranger.</p><p><a href="/login">Log in</a></p>`
  )
})

const loginPage = Effect.flatMap(
  HttpServerRequest.schemaSearchParams(Next),
  ({ next }) => page("Log in", form(withNext("/login", next), true))
)

const loginSubmit = Effect.gen(function*() {
  const { next } = yield* HttpServerRequest.schemaSearchParams(Next)
  const credentials = yield* HttpServerRequest.schemaBodyUrlParams(Credentials)
  const user = check(credentials.username, credentials.password)
  if (Option.isNone(user)) {
    yield* Session.flash("Invalid username or password.", "error")
    return HttpServerResponse.redirect(withNext("/login", next), { status: 303 })
  }
  yield* login(user.value, { remember: credentials.remember === "on" })
  yield* Session.flash(`Welcome back, ${user.value.name}.`, "success")
  return HttpServerResponse.redirect(SafeRedirect.safeNext(next), { status: 303 })
})

/** The refresh view: the user is known, only the password is asked again. */
const refreshPage = Effect.gen(function*() {
  const { next } = yield* HttpServerRequest.schemaSearchParams(Next)
  const user = yield* AuthenticatedUser
  return yield* page("Confirm your password", form(withNext("/refresh", next), false, user.name))
}).pipe(loginRequired)

const refreshSubmit = Effect.gen(function*() {
  const { next } = yield* HttpServerRequest.schemaSearchParams(Next)
  const user = yield* AuthenticatedUser
  const { password } = yield* HttpServerRequest.schemaBodyUrlParams(Credentials)
  if (Option.isNone(check(user.name, password))) {
    yield* Session.flash("Wrong password.", "error")
    return HttpServerResponse.redirect(withNext("/refresh", next), { status: 303 })
  }
  yield* Session.confirmLogin
  return HttpServerResponse.redirect(SafeRedirect.safeNext(next), { status: 303 })
}).pipe(loginRequired)

const protectedPage = Effect.flatMap(
  AuthenticatedUser,
  (user) => page("Protected", `<p id="secret">Logged in as ${escape(user.name)}.</p><p><a href="/">Home</a></p>`)
).pipe(loginRequired)

const settingsPage = Effect.flatMap(
  FreshUser,
  (user) => page("Settings", `<p id="settings">Settings of ${escape(user.name)}.</p><p><a href="/">Home</a></p>`)
).pipe(freshLoginRequired)

const logout = Effect.gen(function*() {
  yield* Session.logout
  yield* Session.flash("You are logged out.", "info")
  return HttpServerResponse.redirect("/", { status: 303 })
})

// A query or form that does not decode is the client's mistake. Effect 4's router has no `catchTag` of its
// own (Effect 3's `HttpRouter.catchTag("ParseError", …)`): each handler that decodes catches it.
const badRequest = <A, E, R>(handler: Effect.Effect<A, E | Schema.SchemaError, R>) =>
  Effect.catchTag(
    handler,
    "SchemaError",
    () => Effect.succeed(HttpServerResponse.text("Bad request", { status: 400 }))
  )

/** The routes, as Effect 4's router takes them: a Layer. */
export const routes = HttpRouter.addAll([
  HttpRouter.route("GET", "/", home),
  HttpRouter.route("GET", "/login", badRequest(loginPage)),
  HttpRouter.route("POST", "/login", badRequest(loginSubmit)),
  HttpRouter.route("GET", "/refresh", badRequest(refreshPage)),
  HttpRouter.route("POST", "/refresh", badRequest(refreshSubmit)),
  HttpRouter.route("GET", "/protected", protectedPage),
  HttpRouter.route("GET", "/settings", settingsPage),
  HttpRouter.route("POST", "/logout", logout)
])

/** The app: the routes behind the login middleware, as one HTTP effect (it needs a Scope for the router). */
export const BrowserApp = Effect.map(HttpRouter.toHttpEffect(routes), LoginManager.middleware)

export const LoginLive = Layer.unwrap(
  Effect.map(
    Config.Redacted("SECRET_KEY").pipe(
      Config.withDefault(Redacted.make("development-only-secret-do-not-use-in-production!"))
    ),
    (secretKey) =>
      LoginManager.layer({
        secretKey,
        loginView: "/login",
        // Secure cookies, so named __Host-session and __Host-remember_token: browsers keep them on
        // http://localhost and 127.0.0.1 too (test/browser runs this in Chromium).
        refreshView: "/refresh"
      })
  )
).pipe(Layer.provide(layerMemory(users)))

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  Layer.unwrap(Effect.map(BrowserApp, (app) => HttpServer.serve(app))).pipe(
    HttpServer.withLogAddress,
    Layer.provide(LoginLive),
    Layer.provide(NodeHttpServer.layer(createServer, { port: Number(process.env.PORT ?? 3003), host: "127.0.0.1" })),
    Layer.launch,
    NodeRuntime.runMain
  )
}
