/**
 * A small app exercising every part of the core, and the users behind it: the
 * Effect 4 twin of the Effect 3 suite's fixtures. Tests serve it in-process
 * (`testClient`) or on a real socket.
 */
import type { LoginOptions } from "@effect-login/effect4"
import { LoginManager, Session, UserLoader } from "@effect-login/effect4"
import type { Scope } from "effect"
import { Context, Effect, Layer, Logger, Option, Redacted, Ref, References, Schema } from "effect"
import type { LogLevel } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"

export interface User {
  readonly id: string
  readonly name: string
  readonly active: boolean
}

export const users: ReadonlyMap<string, User> = new Map([
  ["1", { id: "1", name: "Notch", active: true }],
  ["2", { id: "2", name: "Steve", active: true }],
  ["3", { id: "3", name: "Creeper", active: false }],
  ["佐藤", { id: "佐藤", name: "Müller", active: true }]
])

export const Users = UserLoader.make("app/Users", {
  id: (user: User) => user.id,
  isActive: (user) => user.active
})

export const {
  AuthenticatedUser,
  CurrentUser,
  freshLoginRequired,
  FreshUser,
  isAuthenticated,
  layer,
  layerLoginDisabled,
  layerMemory,
  layerTest,
  login,
  loginRequired,
  logout
} = Users

/** Counts loader calls; the id `broken` makes the store fail, `throws` makes it throw. */
export class LoaderCalls extends Context.Service<LoaderCalls, Ref.Ref<number>>()("test/LoaderCalls") {}

export const UsersLive = layer((id) =>
  Effect.gen(function*() {
    yield* Ref.update(yield* LoaderCalls, (n) => n + 1)
    // It yields, as a database call would: concurrent fibers of one request then really overlap.
    yield* Effect.yieldNow
    if (id === "broken") return yield* Effect.fail("database is down")
    if (id === "throws") throw new Error("bug in the loader")
    return Option.fromNullishOr(users.get(id))
  })
)

export const secretKey = Redacted.make("test-secret-key-0123456789abcdefghijkl")
export const oldSecretKey = Redacted.make("old-secret-key-0123456789abcdefghijklmn")

const text = (body: string) => HttpServerResponse.text(body)
const Foo = Session.key("foo", Schema.String)
const Big = Session.key("big", Schema.String)
const param = (name: string) => Effect.map(HttpRouter.params, (params) => params[name] ?? "")

/** The current user's name, or "Anonymous". */
export const username = Effect.map(CurrentUser, (user) => text(isAuthenticated(user) ? user.name : "Anonymous"))

/** The routes, as Effect 4's router takes them: a Layer. */
export const routes = HttpRouter.addAll([
  HttpRouter.route("GET", "/", Effect.succeed(text("Welcome!"))),
  HttpRouter.route("GET", "/username", username),
  HttpRouter.route(
    "GET",
    "/username-concurrently",
    Effect.map(
      Effect.all([CurrentUser, CurrentUser, CurrentUser], { concurrency: "unbounded" }),
      (all) => text(all.map((user) => isAuthenticated(user) ? user.name : "Anonymous").join(","))
    )
  ),
  HttpRouter.route(
    "GET",
    "/login/:id",
    Effect.gen(function*() {
      const id = yield* param("id")
      const query = yield* HttpServerRequest.ParsedSearchParams
      const user = users.get(id) ?? { id, name: `ghost ${id}`, active: true }
      const ok = yield* login(user, {
        force: query.force === "1",
        fresh: query.fresh !== "0",
        remember: query.remember === "1"
      })
      return text(String(ok))
    })
  ),
  HttpRouter.route("GET", "/logout", Effect.as(Session.logout, text("true"))),
  HttpRouter.route("GET", "/is-fresh", Effect.map(Session.isFresh, (fresh) => text(String(fresh)))),
  HttpRouter.route(
    "GET",
    "/protected",
    Effect.map(AuthenticatedUser, (user) => text(`Access Granted: ${user.name}`)).pipe(loginRequired)
  ),
  HttpRouter.route(
    "*",
    "/protected-any-method",
    Effect.map(AuthenticatedUser, (user) => text(`Access Granted: ${user.name}`)).pipe(loginRequired)
  ),
  HttpRouter.route("GET", "/set-foo/:value", Effect.as(Effect.flatMap(param("value"), Foo.set), text("ok"))),
  HttpRouter.route("GET", "/get-foo", Effect.map(Foo.get, (foo) => text(Option.getOrElse(foo, () => "")))),
  HttpRouter.route("GET", "/remove-foo", Effect.as(Foo.remove, text("ok"))),
  HttpRouter.route(
    "GET",
    "/set-big/:size",
    Effect.as(Effect.flatMap(param("size"), (size) => Big.set("x".repeat(Number(size)))), text("ok")).pipe(
      Effect.catchTag(
        "SessionTooLarge",
        (error) => Effect.succeed(text(error.message).pipe(HttpServerResponse.setStatus(500)))
      )
    )
  ),
  HttpRouter.route(
    "GET",
    "/flash/:message",
    Effect.as(Effect.flatMap(param("message"), (message) => Session.flash(message, "info")), text("ok"))
  ),
  HttpRouter.route(
    "GET",
    "/flashes",
    Effect.flatMap(Session.takeFlashes, (flashes) => HttpServerResponse.json(flashes))
  )
])

/** The routes behind the login middleware, as one HTTP effect (it needs a Scope for the router). */
export const app = Effect.map(HttpRouter.toHttpEffect(routes), LoginManager.middleware)

/** A login manager Layer over the test users, with a fresh loader-call counter. */
export const withUsers = <A, E, R>(login: Layer.Layer<A, E, R | UserLoader.UserLoader>) =>
  login.pipe(Layer.provide(UsersLive), Layer.provideMerge(Layer.effect(LoaderCalls, Ref.make(0))))

/** The login manager over the test users, on plain http. */
export const loginLayer = (options: Partial<LoginOptions.Options> = {}) =>
  withUsers(LoginManager.layer({ secretKey, cookie: { secure: false }, ...options }))

export const loaderCalls = Effect.flatMap(LoaderCalls, Ref.get)

/** A line the library logged during a test (the Effect 3 suite's utils/logs.ts). */
export interface LoggedLine {
  readonly level: LogLevel.LogLevel
  readonly message: string
}

/** What the library logged during a test: every line from Info up, with its level, and the Layer that records it. */
export const captureLogs = () => {
  const lines: Array<LoggedLine> = []
  const logger = Logger.make(({ logLevel, message }) => {
    lines.push({ level: logLevel, message: Array.isArray(message) ? message.join(" ") : String(message) })
  })
  return {
    lines,
    /** The lines of one level ("Warn", "Error"…), their messages only. */
    at: (level: LogLevel.LogLevel) => lines.filter((line) => line.level === level).map((line) => line.message),
    layer: Layer.merge(Logger.layer([logger]), Layer.succeed(References.MinimumLogLevel, "Info"))
  }
}

export type { Scope }
