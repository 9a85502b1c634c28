// The compatibility smoke run of the Effect 4 line, the twin of the Effect 3 line's test/compat/smoke.mjs: one app,
// served over real HTTP by a platform package (on Bun, @effect/platform-bun when it is installed; on Node, on Deno
// through its Node compatibility, and on Bun with SMOKE_PLATFORM=node, @effect/platform-node), then driven with fetch:
// refused anonymous, log in, protected, log out, refused again. Plain JavaScript, so that every runtime runs the same
// file as it is. Prints one JSON line.
import { LoginManager, Session, UserLoader } from "@effect-login/effect4"
import { Effect, Layer, Redacted } from "effect"
import { HttpRouter, HttpServer, HttpServerResponse } from "effect/http"

const { AuthenticatedUser, layerMemory, login, loginRequired } = UserLoader.make("app/Users", { id: (user) => user.id })
const notch = { id: "1", name: "Notch" }

const routes = HttpRouter.addAll([
  HttpRouter.route("POST", "/login", Effect.as(Effect.orDie(login(notch)), HttpServerResponse.text("logged in"))),
  HttpRouter.route(
    "GET",
    "/protected",
    Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(user.name)).pipe(loginRequired)
  ),
  HttpRouter.route("POST", "/logout", Effect.as(Session.logout, HttpServerResponse.text("logged out")))
])

const onBun = typeof globalThis.Bun !== "undefined"
const platform = onBun && process.env.SMOKE_PLATFORM !== "node" ? "bun" : "node"

const serverLayer = async () => {
  if (platform === "bun") {
    const { BunHttpServer } = await import("@effect/platform-bun")
    return BunHttpServer.layer({ port: 0, hostname: "127.0.0.1" })
  }
  const { NodeHttpServer } = await import("@effect/platform-node")
  const { createServer } = await import("node:http")
  return NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })
}

const runtime = onBun
  ? `bun ${globalThis.Bun.version}`
  : typeof globalThis.Deno !== "undefined"
  ? `deno ${globalThis.Deno.version.deno}`
  : `node ${process.versions.node}`

const program = Effect.gen(function*() {
  const server = yield* HttpServer.HttpServer
  const base = `http://127.0.0.1:${server.address.port}`
  const sameSite = { "sec-fetch-site": "same-origin" }
  const call = (path, init = {}) => Effect.promise(() => fetch(`${base}${path}`, { redirect: "manual", ...init }))
  const refused = (yield* call("/protected")).status
  const loggedIn = yield* call("/login", { method: "POST", headers: sameSite })
  const cookie = loggedIn.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ")
  const granted = yield* call("/protected", { headers: { cookie } })
  const name = yield* Effect.promise(() => granted.text())
  const loggedOut = yield* call("/logout", { method: "POST", headers: { cookie, ...sameSite } })
  const cleared = loggedOut.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ")
  const after = (yield* call("/protected", { headers: { cookie: cleared } })).status
  return {
    runtime,
    platform,
    refused,
    login: loggedIn.status,
    protected: granted.status,
    name,
    logout: loggedOut.status,
    after
  }
})

const ServerLive = HttpRouter.serve(routes, {
  middleware: LoginManager.middleware,
  disableLogger: true,
  disableListenLog: true
}).pipe(
  Layer.provide(
    LoginManager.layer({ secretKey: Redacted.make("compat-smoke-secret-0123456789abcdef"), cookie: { secure: false } })
  ),
  Layer.provide(layerMemory([notch])),
  Layer.provideMerge(await serverLayer())
)

const started = performance.now()
Effect.runPromise(Effect.scoped(Effect.provide(program, ServerLive))).then(
  (result) => {
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ ...result, millis: Math.round(performance.now() - started) }))
    process.exit(0)
  },
  (error) => {
    // eslint-disable-next-line no-console
    console.error(error)
    process.exit(1)
  }
)
