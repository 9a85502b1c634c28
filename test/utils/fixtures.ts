/**
 * A small app exercising every part of the core, and the users behind it.
 * Tests serve it in-process (`testClient`) or on a real socket.
 */
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Context, Effect, Layer, Option, Redacted, Ref, Schema } from "effect"
import type { LoginOptions } from "effect-login"
import { LoginManager, Session, UserLoader } from "effect-login"

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
export class LoaderCalls extends Context.Tag("test/LoaderCalls")<LoaderCalls, Ref.Ref<number>>() {}

export const UsersLive = layer((id) =>
  Effect.gen(function*() {
    yield* Ref.update(yield* LoaderCalls, (n) => n + 1)
    // It yields, as a database call would: concurrent fibers of one request then really overlap.
    yield* Effect.yieldNow()
    if (id === "broken") return yield* Effect.fail("database is down")
    if (id === "throws") throw new Error("bug in the loader")
    return Option.fromNullable(users.get(id))
  })
)

export const secretKey = Redacted.make("test-secret-key-0123456789abcdefghijkl")
export const oldSecretKey = Redacted.make("old-secret-key-0123456789abcdefghijklmn")

const text = (body: string) => HttpServerResponse.text(body)
const Foo = Session.key("foo", Schema.String)
const Big = Session.key("big", Schema.String)

/** The current user's name, or "Anonymous". */
export const username = Effect.map(CurrentUser, (user) => text(isAuthenticated(user) ? user.name : "Anonymous"))

/** The routes; `app` is them behind the login middleware. */
export const routes = HttpRouter.empty.pipe(
  HttpRouter.get("/", Effect.succeed(text("Welcome!"))),
  HttpRouter.get("/username", username),
  HttpRouter.get(
    "/username-concurrently",
    Effect.map(
      Effect.all([CurrentUser, CurrentUser, CurrentUser], { concurrency: "unbounded" }),
      (all) => text(all.map((user) => isAuthenticated(user) ? user.name : "Anonymous").join(","))
    )
  ),
  HttpRouter.get(
    "/login/:id",
    Effect.gen(function*() {
      const { id } = yield* HttpRouter.params
      const query = yield* HttpServerRequest.ParsedSearchParams
      const user = users.get(id ?? "") ?? { id: id ?? "", name: `ghost ${id}`, active: true }
      const ok = yield* login(user, {
        force: query.force === "1",
        fresh: query.fresh !== "0",
        remember: query.remember === "1"
      })
      return text(String(ok))
    })
  ),
  HttpRouter.get("/logout", Effect.as(Session.logout, text("true"))),
  HttpRouter.get("/is-fresh", Effect.map(Session.isFresh, (fresh) => text(String(fresh)))),
  HttpRouter.get(
    "/protected",
    Effect.map(AuthenticatedUser, (user) => text(`Access Granted: ${user.name}`)).pipe(loginRequired)
  ),
  HttpRouter.all(
    "/protected-any-method",
    Effect.map(AuthenticatedUser, (user) => text(`Access Granted: ${user.name}`)).pipe(loginRequired)
  ),
  HttpRouter.get(
    "/set-foo/:value",
    Effect.gen(function*() {
      const { value } = yield* HttpRouter.params
      yield* Foo.set(value ?? "")
      return text("ok")
    })
  ),
  HttpRouter.get("/get-foo", Effect.map(Foo.get, (foo) => text(Option.getOrElse(foo, () => "")))),
  HttpRouter.get("/remove-foo", Effect.as(Foo.remove, text("ok"))),
  HttpRouter.get(
    "/set-big/:size",
    Effect.gen(function*() {
      const { size } = yield* HttpRouter.params
      yield* Big.set("x".repeat(Number(size)))
      return text("ok")
    }).pipe(
      Effect.catchTag(
        "SessionTooLarge",
        (error) => Effect.succeed(text(error.message).pipe(HttpServerResponse.setStatus(500)))
      )
    )
  ),
  HttpRouter.get(
    "/flash/:message",
    Effect.gen(function*() {
      const { message } = yield* HttpRouter.params
      yield* Session.flash(message ?? "", "info")
      return text("ok")
    })
  ),
  HttpRouter.get("/flashes", Effect.flatMap(Session.takeFlashes, (flashes) => HttpServerResponse.json(flashes)))
)

export const app = LoginManager.middleware(routes)

/** A login manager Layer over the test users, with a fresh loader-call counter. */
export const withUsers = <A, E, R>(login: Layer.Layer<A, E, R | UserLoader.UserLoader>) =>
  login.pipe(Layer.provide(UsersLive), Layer.provideMerge(Layer.effect(LoaderCalls, Ref.make(0))))

/** The login manager over the test users, on plain http. */
export const loginLayer = (options: Partial<LoginOptions.Options> = {}) =>
  withUsers(LoginManager.layer({ secretKey, cookie: { secure: false }, ...options }))

export const loaderCalls = Effect.flatMap(LoaderCalls, Ref.get)
