/**
 * The cost of a request through the router, in process (no sockets): the
 * same router with and without effect-login, run the way the HTTP server runs
 * it (`HttpApp.toHandled`, pre-response handlers, the tracer), one request
 * after the other. Quick and steady enough to compare changes to the request
 * core; the HTTP runner (test/bench/http.ts) is the real measure.
 *
 *     npm run build && TSX_TSCONFIG_PATH=test/bench/tsconfig.json npx tsx test/bench/inprocess.ts [--requests 2000] [--rounds 40]
 */
import { Cookies, HttpApp, HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Layer, ManagedRuntime, Option, Redacted } from "effect"
import { type LoginEvents, LoginManager, SessionStore, UserLoader } from "effect-login"

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const requests = arg("requests", 2_000)
const rounds = arg("rounds", 40)

interface User {
  readonly id: string
  readonly name: string
}
const users = new Map<string, User>([["1", { id: "1", name: "alice" }]])
const { AuthenticatedUser, layer, loginRequired } = UserLoader.make("app/Users", { id: (user: User) => user.id })

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

const options = { secretKey: Redacted.make("benchmark-secret-key-0123456789abcdef") }
const Users = layer((id) => Effect.succeed(Option.fromNullable(users.get(id))))
type Runtime = ManagedRuntime.ManagedRuntime<LoginManager.LoginManager | LoginEvents.LoginEvents, never>
const cookieStore: Runtime = ManagedRuntime.make(LoginManager.layer(options).pipe(Layer.provide(Users), Layer.orDie))
const memoryStore: Runtime = ManagedRuntime.make(
  LoginManager.layerStore(options).pipe(Layer.provide(Users), Layer.provide(SessionStore.layerMemory()), Layer.orDie)
)

let lastResponse: HttpServerResponse.HttpServerResponse | undefined
const handled = <E, R>(app: HttpApp.Default<E, R>) =>
  HttpApp.toHandled(app, (_, response) => Effect.sync(() => void (lastResponse = response)))
const app = handled(withLogin)
const bareApp = handled(HttpRouter.toHttpApp(bare).pipe(Effect.runSync))
const userAgent = "bench"

const run = (runtime: Runtime, path: string, headers: Record<string, string>) => {
  const request = HttpServerRequest.fromWeb(new Request(`http://localhost${path}`, { headers }))
  const exit = runtime.runSyncExit(Effect.provideService(app, HttpServerRequest.HttpServerRequest, request))
  if (exit._tag === "Failure") throw new Error(`${path}: ${exit.cause}`)
}

// The session cookie as a browser holds it after its first request: bound to its client (session protection).
const sessionCookie = async (runtime: Runtime) => {
  const issued = await runtime.runPromise(
    Effect.flatMap(LoginManager.LoginManager, (manager) => manager.issueSessionCookie(users.get("1")!))
  )
  run(runtime, "/protected", { cookie: `session=${issued.value}`, "user-agent": userAgent })
  // A cookie session is signed again once bound; a store session keeps its id.
  const bound = Option.match(lastResponse?.cookies.pipe(Cookies.get("session")) ?? Option.none(), {
    onNone: () => issued.value,
    onSome: (cookie) => cookie.value
  })
  return { cookie: `session=${bound}`, "user-agent": userAgent }
}
const cookieHeaders = await sessionCookie(cookieStore)
const memoryHeaders = await sessionCookie(memoryStore)

const measure = (
  runtime: Runtime,
  app: Effect.Effect<void, never, HttpServerRequest.HttpServerRequest | LoginManager.LoginManager>,
  path: string,
  headers: Record<string, string>
) => {
  // Requests are made before the clock starts: building one costs more than some of what is measured.
  const batch = Array.from(
    { length: requests },
    () => HttpServerRequest.fromWeb(new Request(`http://localhost${path}`, { headers }))
  )
  const start = process.cpuUsage()
  for (const request of batch) {
    const exit = runtime.runSyncExit(Effect.provideService(app, HttpServerRequest.HttpServerRequest, request))
    if (exit._tag === "Failure") throw new Error(`${path}: ${exit.cause}`)
  }
  const used = process.cpuUsage(start)
  return (used.user + used.system) / requests
}

// `--only protected` runs one case, e.g. under `node --cpu-prof`.
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined
const cases = [
  { name: "bare router, /public", runtime: cookieStore, app: bareApp, path: "/public", headers: cookieHeaders },
  { name: "effect-login middleware, /public", runtime: cookieStore, app, path: "/public", headers: cookieHeaders },
  {
    name: "effect-login, /protected (cookie session)",
    runtime: cookieStore,
    app,
    path: "/protected",
    headers: cookieHeaders
  },
  {
    name: "effect-login, /protected (memory store)",
    runtime: memoryStore,
    app,
    path: "/protected",
    headers: memoryHeaders
  }
].filter((c) => only === undefined || c.name.includes(only))
// Small batches, the cases in turn, many times; the median batch of each case. The machine's drift
// (other processes, GC, CPU frequency) then falls on every case alike.
const perBatch = cases.map((): Array<number> => [])
for (let round = 0; round < rounds + 1; round++) {
  cases.forEach((c, i) => {
    const micros = measure(c.runtime, c.app, c.path, c.headers)
    if (round > 0) perBatch[i]!.push(micros)
  })
}
const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const best = perBatch.map(median)
console.log(
  `${rounds} batches of ${requests} requests per case (median batch), CPU µs per request, in process (no sockets)`
)
console.log(`effect-login from ${import.meta.resolve("effect-login")}\n`)
console.log("| route | CPU µs/req | over the bare router |\n|---|---|---|")
cases.forEach((c, i) => console.log(`| ${c.name} | ${best[i]!.toFixed(1)} | ${(best[i]! - best[0]!).toFixed(1)} |`))
await cookieStore.dispose()
await memoryStore.dispose()
