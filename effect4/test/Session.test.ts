/**
 * The session's typed accessors, and the pieces of CurrentUser and UserLoader
 * that the flow tests do not reach.
 */
import { Identity, LoginError, LoginManager, Session, UserLoader } from "@effect-login/effect4"
import { assert, describe, it } from "@effect/vitest"
import { assertNone, assertSome } from "@effect/vitest/utils"
import { Effect, Exit, Option, Schema } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { testClient } from "./utils/client.js"
import { captureLogs, login, loginLayer, username, users } from "./utils/fixtures.js"

const Count = Session.key("count", Schema.NumberFromString)
const Tags = Session.key("tags", Schema.Array(Schema.String))

const app = Effect.map(
  HttpRouter.toHttpEffect(HttpRouter.addAll([
    HttpRouter.route(
      "GET",
      "/count",
      Effect.gen(function*() {
        const count = Option.getOrElse(yield* Count.get, () => 0)
        yield* Count.set(count + 1)
        return HttpServerResponse.text(String(count + 1))
      })
    ),
    // Another version of the app stored something the schema no longer reads.
    HttpRouter.route(
      "GET",
      "/corrupt-count",
      Effect.as(Effect.flatMap(Session.Session, (s) => s.set("count", { old: true })), HttpServerResponse.text("ok"))
    ),
    HttpRouter.route(
      "GET",
      "/tags",
      Effect.gen(function*() {
        yield* Tags.set(["a", "b"])
        return HttpServerResponse.jsonUnsafe(yield* Tags.get)
      })
    )
  ])),
  LoginManager.middleware
)

describe("Session.key", () => {
  it.effect("encodes and decodes through its schema", () =>
    Effect.gen(function*() {
      const client = yield* testClient(yield* app)
      assert.strictEqual((yield* client.get("/count")).body, "1")
      assert.strictEqual((yield* client.get("/count")).body, "2")
      assert.deepStrictEqual(JSON.parse((yield* client.get("/tags")).body), {
        _id: "Option",
        _tag: "Some",
        value: ["a", "b"]
      })
    }).pipe(Effect.provide(loginLayer())))

  it.effect("a stored value the schema cannot decode reads as absent", () =>
    Effect.gen(function*() {
      const client = yield* testClient(yield* app)
      yield* client.get("/corrupt-count")
      assert.strictEqual((yield* client.get("/count")).body, "1")
    }).pipe(Effect.provide(loginLayer())))

  it("refuses __proto__ as a name", () => {
    assert.throws(() => Session.key("__proto__", Schema.String), /cannot name a session key/)
    assert.strictEqual(Session.key("constructor", Schema.String).name, "constructor")
  })

  it("SessionTooLarge says how large and what to do", () => {
    const error = new LoginError.SessionTooLarge({ bytes: 5000, limit: 4096 })
    assert.strictEqual(error._tag, "SessionTooLarge")
    assert.match(error.message, /would be 5000 bytes, over its limit of 4096 bytes/)
  })
})

describe("CurrentUser", () => {
  it("Anonymous is recognised, users are not", () => {
    assert.isTrue(Identity.isAnonymous(Identity.anonymous))
    assert.isTrue(Identity.isAnonymous(new Identity.Anonymous()))
    assert.isFalse(Identity.isAnonymous({ _tag: "Anonymous" }))
    assert.isFalse(Identity.isAnonymous(null))
    assert.strictEqual(Identity.anonymous._tag, "Anonymous")
  })
})

describe("UserLoader.make", () => {
  interface Account {
    readonly email: string
  }
  const accounts = UserLoader.make("test/Accounts", { id: (account: Account) => account.email })

  it("isAuthenticated narrows Anonymous | User", () => {
    assert.isTrue(accounts.isAuthenticated({ email: "a@example.com" }))
    assert.isFalse(accounts.isAuthenticated(Identity.anonymous))
  })

  it.effect("its layer builds a UserLoader that maps failures to UserLoaderError", () =>
    Effect.gen(function*() {
      const loader = yield* UserLoader.UserLoader
      assertSome(yield* loader.load("a@example.com"), { email: "a@example.com" })
      assertNone(yield* loader.load("nobody"))
      const failed = yield* Effect.exit(loader.load("down"))
      assert.isTrue(Exit.isFailure(failed))
      const error = yield* Effect.flip(loader.load("down"))
      assert.strictEqual(error._tag, "UserLoaderError")
      assert.strictEqual(error.message, "The user store is unavailable")
      assert.strictEqual(error.cause, "connection refused")
      assert.strictEqual(loader.id({ email: "x@example.com" }), "x@example.com")
      // Without isActive, every user is active.
      assert.isTrue(loader.isActive({ email: "x@example.com" }))
    }).pipe(Effect.provide(accounts.layer((id) =>
      id === "down"
        ? Effect.fail("connection refused")
        : Effect.succeed(id === "nobody" ? Option.none() : Option.some({ email: id }))
    ))))
})

describe("log out everywhere with cookie sessions", () => {
  const everywhere = Effect.map(
    HttpRouter.toHttpEffect(HttpRouter.addAll([
      HttpRouter.route("GET", "/login", Effect.as(login(users.get("1")!), HttpServerResponse.text("ok"))),
      HttpRouter.route(
        "GET",
        "/everywhere",
        Effect.map(Session.logoutEverywhere, (n) => HttpServerResponse.text(String(n)))
      ),
      HttpRouter.route("GET", "/username", username)
    ])),
    LoginManager.middleware
  )

  it.effect("without a security stamp it ends no other login, and a warning says so", () => {
    const logs = captureLogs()
    return Effect.gen(function*() {
      const [laptop, phone] = [yield* testClient(yield* everywhere), yield* testClient(yield* everywhere)]
      yield* laptop.get("/login")
      yield* phone.get("/login")
      assert.strictEqual((yield* laptop.get("/everywhere")).body, "0")
      assert.strictEqual((yield* laptop.get("/username")).body, "Anonymous")
      assert.strictEqual((yield* phone.get("/username")).body, "Notch", "nothing could reach the phone")
      const warnings = logs.at("Warn")
      assert.strictEqual(warnings.length, 1)
      assert.include(warnings[0], "ended no other login")
      assert.include(warnings[0], "securityStamp")
    }).pipe(Effect.provide(loginLayer()), Effect.provide(logs.layer))
  })
})
