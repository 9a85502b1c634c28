// A small app, outside the repository, that uses only @effect-login/effect4's published entry points.
import { LoginManager, UserLoader } from "@effect-login/effect4"
import { safeNext } from "@effect-login/effect4/SafeRedirect"
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer, Option, Redacted, Schema } from "effect"
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "effect/http"
import { createServer } from "node:http"

interface User {
  readonly id: string
  readonly name: string
}

const { AuthenticatedUser, layerMemory, login, loginRequired } = UserLoader.make("app/Users", {
  id: (user: User) => user.id
})
const notch: User = { id: "1", name: "Notch" }

const routes = HttpRouter.addAll([
  HttpRouter.route(
    "POST",
    "/login",
    Effect.gen(function*() {
      const form = yield* HttpServerRequest.schemaBodyUrlParams(Schema.Struct({ password: Schema.String }))
      if (form.password !== "notch-pw") return HttpServerResponse.text("Invalid credentials", { status: 401 })
      yield* Effect.orDie(login(notch))
      return HttpServerResponse.redirect(safeNext("/protected"), { status: 303 })
    })
  ),
  HttpRouter.route(
    "GET",
    "/protected",
    Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(user.name)).pipe(loginRequired)
  )
])

const ServerLive = HttpRouter.serve(routes, {
  middleware: LoginManager.middleware,
  disableLogger: true,
  disableListenLog: true
}).pipe(
  Layer.provide(
    LoginManager.layer({ secretKey: Redacted.make("consumer-test-secret-0123456789abcdef"), cookie: { secure: false } })
  ),
  Layer.provide(layerMemory([notch])),
  Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
)

const program = Effect.gen(function*() {
  const base = HttpServer.formatAddress((yield* HttpServer.HttpServer).address)
  const refused = yield* Effect.promise(() => fetch(`${base}/protected`))
  const loggedIn = yield* Effect.promise(() =>
    fetch(`${base}/login`, {
      method: "POST",
      body: new URLSearchParams({ password: "notch-pw" }),
      redirect: "manual"
    })
  )
  const cookie = loggedIn.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ")
  const granted = yield* Effect.promise(() => fetch(`${base}/protected`, { headers: { cookie } }))
  const name = yield* Effect.promise(() => granted.text())
  // eslint-disable-next-line no-console
  console.log(JSON.stringify({ refused: refused.status, login: loggedIn.status, protected: granted.status, name }))
  return Option.some(name)
})

Effect.runPromise(Effect.scoped(Effect.provide(program, ServerLive))).then(
  () => process.exit(0),
  (error) => {
    // eslint-disable-next-line no-console
    console.error(error)
    process.exit(1)
  }
)
