/**
 * A JSON API with effect-login on HttpApi: the template of a real API.
 *
 * - POST /auth/login, POST /auth/logout: set and clear the cookies;
 * - GET /me: any logged-in user, by session cookie or, for scripts, by API key;
 * - GET /admin/stats: admins, with a fresh login;
 * - GET /docs/openapi.json: the OpenAPI document, with its security schemes.
 *
 *     PORT=3001 npx tsx examples/http-api.ts
 */
import {
  HttpApi,
  HttpApiBuilder,
  HttpApiEndpoint,
  HttpApiGroup,
  HttpApiMiddleware,
  HttpApiSchema,
  HttpApiSecurity,
  HttpServer
} from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Config, Effect, Layer, Option, Redacted, Schema } from "effect"
import { HttpApiLogin, LoginManager, RequestLoader, Session, UserLoader } from "effect-login"
import { timingSafeEqual } from "node:crypto"
import { createServer } from "node:http"
import { pathToFileURL } from "node:url"

// --- Users -------------------------------------------------------------------

export class User extends Schema.Class<User>("User")({
  id: Schema.String,
  name: Schema.String,
  role: Schema.Literal("admin", "member")
}) {}

interface Account {
  readonly user: User
  readonly password: string
  readonly apiKey: string
}

const accounts: ReadonlyArray<Account> = [
  { user: new User({ id: "1", name: "Ada", role: "admin" }), password: "ada-pw", apiKey: "key-ada-0123456789" },
  { user: new User({ id: "2", name: "Bob", role: "member" }), password: "bob-pw", apiKey: "key-bob-0123456789" }
]

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

export const Users = UserLoader.make("app/Users", { id: (user: User) => user.id })
export const { AuthenticatedUser, FreshUser, layer, login } = Users

export const UsersLive = layer(
  (id) => Effect.succeed(Option.fromNullable(accounts.find((a) => a.user.id === id)?.user)),
  {
    requestLoaders: [
      RequestLoader.header("X-API-Key", (key) =>
        Effect.succeed(
          Option.fromNullable(accounts.find((a) => sameSecret(a.apiKey, Redacted.value(key)))?.user)
        ))
    ]
  }
)

// --- The API -------------------------------------------------------------------

/** Scripts authenticate with an API key; the OpenAPI document shows both ways in. */
export class LoginRequired extends HttpApiMiddleware.Tag<LoginRequired>()(
  "app/LoginRequired",
  HttpApiLogin.loginRequired(Users, {
    session: HttpApiLogin.sessionCookie(),
    apiKey: HttpApiSecurity.apiKey({ in: "header", key: "X-API-Key" })
  })
) {}

/** Admin endpoints want the password entered in this session: no API key, no remembered login. */
export class FreshLoginRequired extends HttpApiMiddleware.Tag<FreshLoginRequired>()(
  "app/FreshLoginRequired",
  HttpApiLogin.freshLoginRequired(Users, { session: HttpApiLogin.sessionCookie() })
) {}

export class InvalidCredentials extends Schema.TaggedError<InvalidCredentials>()(
  "InvalidCredentials",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 401 })
) {}

export class Forbidden extends Schema.TaggedError<Forbidden>()(
  "Forbidden",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 403 })
) {}

export const Credentials = Schema.Struct({ username: Schema.String, password: Schema.String })

export class AuthGroup extends HttpApiGroup.make("auth")
  .add(
    HttpApiEndpoint.post("login", "/auth/login").setPayload(Credentials).addSuccess(User).addError(InvalidCredentials)
  )
  .add(HttpApiEndpoint.post("logout", "/auth/logout").addSuccess(HttpApiSchema.NoContent))
  .middleware(HttpApiLogin.Authentication)
{}

export class MeGroup extends HttpApiGroup.make("me")
  .add(HttpApiEndpoint.get("me", "/me").addSuccess(User))
  .middleware(LoginRequired)
{}

export class AdminGroup extends HttpApiGroup.make("admin")
  .add(
    HttpApiEndpoint.get("stats", "/admin/stats").addSuccess(Schema.Struct({ users: Schema.Number })).addError(Forbidden)
  )
  .middleware(FreshLoginRequired)
{}

export class Api extends HttpApi.make("api").add(AuthGroup).add(MeGroup).add(AdminGroup) {}

// --- Handlers --------------------------------------------------------------------

const AuthLive = HttpApiBuilder.group(Api, "auth", (handlers) =>
  handlers
    .handle("login", ({ payload }) =>
      Effect.gen(function*() {
        const account = accounts.find((a) => a.user.name === payload.username)
        if (account === undefined || !sameSecret(account.password, payload.password)) {
          return yield* new InvalidCredentials({ message: "Invalid credentials" })
        }
        // A login cookie of a few hundred bytes cannot exceed the 4 KB limit: a defect if it did.
        yield* login(account.user).pipe(
          Effect.catchTag("SessionTooLarge", Effect.die),
          HttpApiLogin.orServiceUnavailable
        )
        return account.user
      }))
    .handle("logout", () => HttpApiLogin.orServiceUnavailable(Session.logout)))

const MeLive = HttpApiBuilder.group(Api, "me", (handlers) => handlers.handle("me", () => AuthenticatedUser))

const AdminLive = HttpApiBuilder.group(
  Api,
  "admin",
  (handlers) =>
    handlers.handle("stats", () =>
      Effect.gen(function*() {
        const user = yield* FreshUser
        if (user.role !== "admin") return yield* new Forbidden({ message: "Admins only" })
        return { users: accounts.length }
      }))
)

/** The API with its handlers and effect-login's middleware, ready to serve. */
export const ApiLive = HttpApiBuilder.api(Api).pipe(
  Layer.provide([AuthLive, MeLive, AdminLive]),
  Layer.provide([
    HttpApiLogin.layer,
    HttpApiLogin.layerLoginRequired(LoginRequired),
    HttpApiLogin.layerFreshLoginRequired(FreshLoginRequired)
  ])
)

/**
 * The login manager, from SECRET_KEY (a development key when unset). Its cookie is Secure, so its name is
 * `__Host-session`, as the security scheme above says (browsers keep Secure cookies on http://localhost too).
 */
export const LoginLive = Layer.unwrapEffect(
  Effect.map(
    Config.redacted("SECRET_KEY").pipe(
      Config.withDefault(Redacted.make("development-only-secret-do-not-use-in-production!"))
    ),
    (secretKey) => LoginManager.layer({ secretKey })
  )
).pipe(Layer.provide(UsersLive))

/** Everything but the HTTP server; the login manager stays visible (tests log in through it). */
export const AppLive = HttpApiBuilder.serve().pipe(
  Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/docs/openapi.json" })),
  Layer.provide(ApiLive),
  Layer.provideMerge(LoginLive)
)

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  AppLive.pipe(
    HttpServer.withLogAddress,
    Layer.provide(NodeHttpServer.layer(createServer, { port: Number(process.env.PORT ?? 3001), host: "127.0.0.1" })),
    Layer.launch,
    NodeRuntime.runMain
  )
}
