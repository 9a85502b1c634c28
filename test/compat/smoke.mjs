// The compatibility smoke run: one app, served over real HTTP by the runtime's own platform package
// (@effect/platform-bun on Bun, @effect/platform-node on Node and on Deno through its Node
// compatibility), then driven with fetch: refused anonymous, log in, protected, log out, refused again.
// Plain JavaScript, so that every runtime runs the same file as it is. Prints one JSON line.
import { HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
import { LoginManager, Session, UserLoader } from "effect-login"

const { AuthenticatedUser, layerMemory, login, loginRequired } = UserLoader.make("app/Users", { id: (user) => user.id })
const notch = { id: "1", name: "Notch" }

const app = HttpRouter.empty.pipe(
  HttpRouter.post("/login", Effect.as(Effect.orDie(login(notch)), HttpServerResponse.text("logged in"))),
  HttpRouter.get(
    "/protected",
    Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(user.name)).pipe(loginRequired)
  ),
  HttpRouter.post("/logout", Effect.as(Session.logout, HttpServerResponse.text("logged out"))),
  LoginManager.middleware
)

const serverLayer = async () => {
  if (typeof globalThis.Bun !== "undefined") {
    const { BunHttpServer } = await import("@effect/platform-bun")
    return BunHttpServer.layer({ port: 0, hostname: "127.0.0.1" })
  }
  const { NodeHttpServer } = await import("@effect/platform-node")
  const { createServer } = await import("node:http")
  return NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })
}

const runtime = typeof globalThis.Bun !== "undefined"
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
  return { runtime, refused, login: loggedIn.status, protected: granted.status, name, logout: loggedOut.status, after }
})

const ServerLive = HttpServer.serve(app).pipe(
  Layer.provide(
    LoginManager.layer({ secretKey: Redacted.make("compat-smoke-secret-0123456789abcdef"), cookie: { secure: false } })
  ),
  Layer.provide(layerMemory([notch])),
  Layer.provideMerge(await serverLayer())
)

const started = performance.now()
Effect.runPromise(Effect.scoped(Effect.provide(program, ServerLive))).then(
  (result) => {
    console.log(JSON.stringify({ ...result, millis: Math.round(performance.now() - started) }))
    process.exit(0)
  },
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
