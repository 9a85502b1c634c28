/**
 * The cost of a request through the router, in process (no sockets): the
 * same router with and without effect-login, run the way the HTTP server runs
 * it (`HttpApp.toHandled`, pre-response handlers, the tracer), one request
 * after the other. Quick and steady enough to compare changes to the request
 * core; the HTTP runner (test/bench/http.ts) is the real measure.
 *
 *     npx tsx test/bench/inprocess.ts [--requests 50000]
 */
import { HttpApp, HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Layer, ManagedRuntime, Option, Redacted } from "effect"
import { LoginManager, loginRequired, UserLoader } from "effect-login"

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const requests = arg("requests", 50_000)

interface User {
  readonly id: string
  readonly name: string
}
const users = new Map<string, User>([["1", { id: "1", name: "alice" }]])
const { AuthenticatedUser, layer } = UserLoader.make({ id: (user: User) => user.id })

const publicRoute = HttpRouter.get("/public", Effect.succeed(HttpServerResponse.text("public")))
const bare = HttpRouter.empty.pipe(publicRoute)
const withLogin = HttpRouter.empty.pipe(
  publicRoute,
  HttpRouter.get(
    "/protected",
    Effect.map(AuthenticatedUser, (user) => HttpServerResponse.text(`hello ${user.name}`)).pipe(loginRequired)
  ),
  LoginManager.middleware
)

const LoginLive = LoginManager.layer({ secretKey: Redacted.make("benchmark-secret-key-0123456789abcdef") }).pipe(
  Layer.provide(layer((id) => Effect.succeed(Option.fromNullable(users.get(id)))))
)
const runtime = ManagedRuntime.make(LoginLive)
const manager = await runtime.runPromise(LoginManager.LoginManager)
const cookie = await runtime.runPromise(manager.issueSessionCookie(users.get("1")!))

const handled = <E, R>(app: HttpApp.Default<E, R>) => HttpApp.toHandled(app, () => Effect.void)

const measure = async (
  name: string,
  app: Effect.Effect<void, never, HttpServerRequest.HttpServerRequest | LoginManager.LoginManager>,
  path: string,
  headers: Record<string, string>
) => {
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      const request = HttpServerRequest.fromWeb(new Request(`http://localhost${path}`, { headers }))
      const exit = runtime.runSyncExit(Effect.provideService(app, HttpServerRequest.HttpServerRequest, request))
      if (exit._tag === "Failure") throw new Error(`${name}: ${exit.cause}`)
    }
  }
  run(5_000)
  const start = process.cpuUsage()
  run(requests)
  const used = process.cpuUsage(start)
  const micros = (used.user + used.system) / requests
  console.log(`| ${name} | ${micros.toFixed(1)} |`)
  return micros
}

const headers = { cookie: `session=${cookie.value}`, "user-agent": "bench" }
console.log(`${requests} requests each, CPU µs per request (in process, no sockets)\n`)
console.log("| route | CPU µs/req |\n|---|---|")
const base = await measure(
  "bare router, /public",
  handled(HttpRouter.toHttpApp(bare).pipe(Effect.runSync)),
  "/public",
  {}
)
const app = handled(withLogin)
const pub = await measure("effect-login middleware, /public", app, "/public", headers)
const prot = await measure("effect-login, /protected (cookie session)", app, "/protected", headers)
console.log(`\n/public overhead ${(pub - base).toFixed(1)} µs; /protected overhead ${(prot - base).toFixed(1)} µs`)
await runtime.dispose()
