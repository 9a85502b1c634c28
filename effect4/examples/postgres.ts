/**
 * Users and their sessions in one PostgreSQL database, on Effect 4: the user table keeps
 * each user's security stamp, so "log out everywhere" bumps it in the same
 * database every instance reads, and the sessions (and remember-me tokens)
 * live in `SqlStore`'s table beside it. The twin of the Effect 3 line's examples/postgres.ts.
 *
 *     DATABASE_URL=postgres://app@127.0.0.1:5432/app node --experimental-transform-types examples/postgres.ts
 *
 * (http://127.0.0.1:3020; from effect4/, add `--import ./scripts/register.ts` to run it on the sources.)
 */
import { LoginManager, Session, UserLoader } from "@effect-login/effect4"
import * as SqlStore from "@effect-login/effect4/SqlStore"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { PgClient } from "@effect/sql-pg"
import { Config, Effect, Layer, Option, Redacted, Schema } from "effect"
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "effect/http"
import { SqlClient } from "effect/sql"
import { createServer } from "node:http"
import { pathToFileURL } from "node:url"

const User = Schema.Struct({ id: Schema.String, name: Schema.String, stamp: Schema.Number })
type User = typeof User.Type

const { AuthenticatedUser, layer, login, loginRequired } = UserLoader.make("app/Users", {
  id: (user: User) => user.id,
  // A change of stamp ends every session and remember token of the user, on every instance.
  securityStamp: (user) => String(user.stamp)
})

/** The application's own table, and one user to log in as. */
export const migrate = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* SqlStore.migrate()
  yield* sql`CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, name TEXT NOT NULL, stamp INTEGER NOT NULL)`
  yield* sql`INSERT INTO users (id, name, stamp) VALUES ('1', 'Ada', 0) ON CONFLICT (id) DO NOTHING`
})

const UsersLive = layer((id) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql`SELECT id, name, stamp FROM users WHERE id = ${id}`
    return Option.map(Option.fromNullishOr(rows[0]), Schema.decodeUnknownSync(User))
  })
)

export const routes = HttpRouter.addAll([
  HttpRouter.route(
    "POST",
    "/login",
    Effect.gen(function*() {
      // A real app checks a password here (see examples/quickstart.ts).
      const { id } = yield* HttpServerRequest.schemaBodyUrlParams(Schema.Struct({ id: Schema.String }))
      const sql = yield* SqlClient.SqlClient
      const rows = yield* sql`SELECT id, name, stamp FROM users WHERE id = ${id}`
      if (rows[0] === undefined) return HttpServerResponse.text("no such user", { status: 401 })
      yield* login(Schema.decodeUnknownSync(User)(rows[0]), { remember: true })
      return HttpServerResponse.text("logged in")
    })
  ),
  HttpRouter.route(
    "GET",
    "/me",
    Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(user.name)).pipe(loginRequired)
  ),
  HttpRouter.route(
    "POST",
    "/logout-everywhere",
    Effect.gen(function*() {
      const user = yield* AuthenticatedUser
      const sql = yield* SqlClient.SqlClient
      yield* sql`UPDATE users SET stamp = stamp + 1 WHERE id = ${user.id}`
      const ended = yield* Session.logoutEverywhere
      return HttpServerResponse.text(`ended ${ended} other sessions and remember tokens`)
    }).pipe(loginRequired)
  )
])

/** The app: the routes behind the login middleware (an effect: Effect 4's router is built in a scope). */
export const app = Effect.map(HttpRouter.toHttpEffect(routes), LoginManager.middleware)

/** The login manager over the database: the store is built once the database answers. */
export const LoginLive = LoginManager.layerStore({
  secretKey: Redacted.make("development-only-secret-do-not-use-in-production!"),
  cookie: { secure: false }
}).pipe(Layer.provide(SqlStore.layer()), Layer.provide(UsersLive))

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const Database = Layer.unwrap(Effect.map(Config.Redacted("DATABASE_URL"), (url) => PgClient.layer({ url })))
  Layer.unwrap(Effect.map(app, (app) => HttpServer.serve(app))).pipe(
    HttpServer.withLogAddress,
    Layer.provide(LoginLive),
    Layer.provide(Layer.effectDiscard(migrate)),
    Layer.provide(NodeHttpServer.layer(createServer, { port: 3020, host: "127.0.0.1" })),
    Layer.provideMerge(Database),
    Layer.launch,
    NodeRuntime.runMain
  )
}
