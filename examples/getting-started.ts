/**
 * docs/getting-started.md, whole: a login form, a protected page and a logout, served on Node.
 *
 *     SECRET_KEY="$(openssl rand -base64 32)" npx tsx app.ts
 */
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Config, Effect, Layer, Option, Schema } from "effect"
import { LoginManager, SafeRedirect, UserLoader } from "effect-login"
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

const UsersLive = layer((id) => Effect.succeed(Option.fromNullable(users.get(id))))

// 3. The pages.
const page = (body: string) => HttpServerResponse.html(`<!doctype html><meta charset="utf-8">${body}`)

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
}).pipe(Effect.catchTag("ParseError", () => HttpServerResponse.text("Invalid credentials", { status: 401 })))

const me = Effect.map(AuthenticatedUser, (user) => page(`<p>This is ${user.name}'s page.</p>`))

const logoutSubmit = Effect.as(logout, HttpServerResponse.redirect("/", { status: 303 }))

// 4. The app: without `loginRequired` on /me, this does not compile.
export const App = HttpRouter.empty.pipe(
  HttpRouter.get("/", home),
  HttpRouter.get("/login", Effect.succeed(loginForm)),
  HttpRouter.post("/login", loginSubmit),
  HttpRouter.get("/me", me.pipe(loginRequired)),
  HttpRouter.post("/logout", logoutSubmit),
  LoginManager.middleware
)

// 5. The login manager: SECRET_KEY from the environment (at least 32 bytes), anonymous visitors of /me sent
// to /login. `secure: false` only because this runs on plain http; in production, serve https and drop it.
export const LoginLive = LoginManager.layerConfig({
  secretKey: Config.redacted("SECRET_KEY"),
  loginView: Config.succeed("/login"),
  cookie: { secure: Config.succeed(false) }
}).pipe(Layer.provide(UsersLive))

// 6. Serve it.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  HttpServer.serve(App).pipe(
    HttpServer.withLogAddress,
    Layer.provide(LoginLive),
    Layer.provide(NodeHttpServer.layer(createServer, { port: 3000, host: "127.0.0.1" })),
    Layer.launch,
    NodeRuntime.runMain
  )
}
