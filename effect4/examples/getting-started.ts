/**
 * docs/effect-3-or-4.md's app on Effect 4 (the twin of examples/getting-started.ts of the Effect 3 line): a
 * login form, a protected page and a logout, served on Node 22.
 *
 *     SECRET_KEY="$(openssl rand -base64 32)" node --experimental-transform-types app.ts
 */
import { LoginManager, SafeRedirect, UserLoader } from "@effect-login/effect4"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Config, Effect, Layer, Option, Schema } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto"
import { createServer } from "node:http"
import { pathToFileURL } from "node:url"

// 1. Your users. A real app reads them from its database; it stores password hashes, never passwords.
interface User {
  readonly id: string
  readonly name: string
  readonly salt: Buffer
  readonly passwordHash: Buffer
}

const hash = (password: string, salt: Buffer) => scryptSync(password, salt, 32)
const salt = randomBytes(16)
const users = new Map<string, User>([["ada", { id: "ada", name: "Ada", salt, passwordHash: hash("lovelace", salt) }]])

const checkPassword = (user: User | undefined, password: string) =>
  user !== undefined && timingSafeEqual(hash(password, user.salt), user.passwordHash) ? user : undefined

// 2. Declare the user type once: everything below is typed from it.
export const { AuthenticatedUser, CurrentUser, isAuthenticated, layer, login, loginRequired, logout } = UserLoader
  .make("app/Users", { id: (user: User) => user.id })

const UsersLive = layer((id) => Effect.succeed(Option.fromNullishOr(users.get(id))))

// 3. The pages.
const page = (body: string) =>
  HttpServerResponse.text(`<!doctype html><meta charset="utf-8">${body}`, { contentType: "text/html" })

const home = Effect.map(CurrentUser, (user) =>
  isAuthenticated(user)
    ? page(`<p>Hello ${user.name}. <a href="/me">Your page</a></p>`)
    : page(`<p>Hello, stranger. <a href="/login">Log in</a></p>`))

const loginForm = page(`<form method="post">
  <input name="username" autocomplete="username"> <input name="password" type="password">
  <button>Log in</button>
</form>`)

const Form = Schema.Struct({ username: Schema.String, password: Schema.String })
const Next = Schema.Struct({ next: Schema.optional(Schema.String) })

const loginSubmit = Effect.gen(function*() {
  const form = yield* HttpServerRequest.schemaBodyUrlParams(Form)
  const { next } = yield* HttpServerRequest.schemaSearchParams(Next)
  const user = checkPassword(users.get(form.username), form.password)
  if (user === undefined) return HttpServerResponse.text("Invalid credentials", { status: 401 })
  yield* login(user)
  // `next` is followed only when it is a path on this site.
  return HttpServerResponse.redirect(SafeRedirect.safeNext(next), { status: 303 })
}).pipe(
  Effect.catchTag("SchemaError", () => Effect.succeed(HttpServerResponse.text("Invalid credentials", { status: 401 })))
)

const me = Effect.map(AuthenticatedUser, (user) => page(`<p>This is ${user.name}'s page.</p>`))

const logoutSubmit = Effect.as(logout, HttpServerResponse.redirect("/", { status: 303 }))

// 4. The routes: Effect 4's HttpRouter takes them as a Layer. Without `loginRequired` on /me, serving them
// with the login middleware does not compile.
export const Routes = HttpRouter.addAll([
  HttpRouter.route("GET", "/", home),
  HttpRouter.route("GET", "/login", Effect.succeed(loginForm)),
  HttpRouter.route("POST", "/login", loginSubmit),
  HttpRouter.route("GET", "/me", me.pipe(loginRequired)),
  HttpRouter.route("POST", "/logout", logoutSubmit)
])

// 5. The login manager: SECRET_KEY from the environment (at least 32 bytes), anonymous visitors of /me sent
// to /login. `secure: false` only because this runs on plain http; in production, serve https and drop it.
export const LoginLive = LoginManager.layerConfig({
  secretKey: Config.Redacted("SECRET_KEY"),
  loginView: Config.succeed("/login"),
  cookie: { secure: Config.succeed(false) }
}).pipe(Layer.provide(UsersLive))

// 6. Serve it, with the login middleware around every route.
export const ServerLive = HttpRouter.serve(Routes, { middleware: LoginManager.middleware }).pipe(
  Layer.provide(LoginLive)
)

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  ServerLive.pipe(
    Layer.provide(NodeHttpServer.layer(createServer, { port: 3000, host: "127.0.0.1" })),
    Layer.launch,
    NodeRuntime.runMain
  )
}
