/**
 * examples/recipes/accounts.ts over real HTTP: sign-up, then a password reset that works once, within an
 * hour, tells nobody which accounts exist, and logs out every device that had the old password.
 */
import {
  Cookies,
  HttpClient,
  HttpClientRequest,
  HttpRouter,
  HttpServer,
  HttpServerResponse,
  KeyValueStore
} from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Queue, Redacted, Ref, TestClock } from "effect"
import { LoginManager } from "effect-login"
import {
  confirmReset,
  logIn,
  Mailer,
  PasswordCost,
  requestReset,
  signUp,
  Users,
  UsersLive
} from "../../examples/recipes/accounts.js"

const app = HttpRouter.empty.pipe(
  HttpRouter.post("/signup", signUp),
  HttpRouter.post("/login", logIn),
  HttpRouter.post("/password-reset", requestReset),
  HttpRouter.post("/password-reset/confirm", confirmReset),
  HttpRouter.get(
    "/me",
    Effect.map(Users.AuthenticatedUser, (user) => HttpServerResponse.text(user.id)).pipe(Users.loginRequired)
  ),
  LoginManager.middleware
)

const setup = Effect.gen(function*() {
  const mails = yield* Queue.unbounded<{ readonly to: string; readonly link: string }>()
  const MailerLive = Layer.succeed(Mailer, {
    sendResetLink: (user, link) => Queue.offer(mails, { to: user.id, link })
  })
  const ServerLive = HttpServer.serve(app).pipe(
    Layer.provide(
      LoginManager.layer({
        secretKey: Redacted.make("accounts-recipe-secret-0123456789abcdef"),
        cookie: { secure: false }
      })
    ),
    Layer.provide(UsersLive),
    Layer.provide([MailerLive, Layer.succeed(PasswordCost, { N: 2 ** 12, r: 8, p: 1 })]),
    Layer.provideMerge(KeyValueStore.layerMemory),
    Layer.provideMerge(NodeHttpServer.layerTest)
  )
  return { mails, ServerLive }
})

// A browser: its own cookie jar, posting forms of the same site.
const browser = Effect.gen(function*() {
  const jar = yield* Ref.make(Cookies.empty)
  const client = HttpClient.withCookiesRef(yield* HttpClient.HttpClient, jar)
  const post = (path: string, form: Record<string, string>) =>
    client.execute(
      HttpClientRequest.post(path).pipe(
        HttpClientRequest.bodyUrlParams(form),
        HttpClientRequest.setHeader("sec-fetch-site", "same-origin")
      )
    ).pipe(Effect.flatMap((response) => Effect.map(response.text, (body) => ({ status: response.status, body }))))
  const me = Effect.flatMap(
    client.get("/me"),
    (response) => Effect.map(response.text, (body) => `${response.status} ${body}`)
  )
  return { post, me }
})

describe("recipe: sign-up and password reset", () => {
  it.scoped("sign up; reset the password; every device is logged out; the old password no longer works", () =>
    Effect.gen(function*() {
      const { mails, ServerLive } = yield* setup
      yield* Effect.gen(function*() {
        const laptop = yield* browser
        const phone = yield* browser
        assert.strictEqual((yield* laptop.post("/signup", { username: "Ada", password: "first-password" })).status, 201)
        assert.strictEqual(yield* laptop.me, "200 ada")
        assert.strictEqual((yield* laptop.post("/signup", { username: "ada", password: "another-one" })).status, 409)
        assert.strictEqual((yield* phone.post("/login", { username: "ada", password: "first-password" })).status, 200)
        assert.strictEqual(yield* phone.me, "200 ada")

        // The same answer for an account that exists and one that does not; only the first gets a mail.
        const asked = yield* phone.post("/password-reset", { username: "ada" })
        const unknown = yield* phone.post("/password-reset", { username: "nobody" })
        assert.deepStrictEqual([asked.status, unknown.status], [202, 202])
        assert.strictEqual(asked.body, unknown.body)
        const mail = yield* Queue.take(mails)
        assert.strictEqual(yield* Queue.size(mails), 0)
        assert.strictEqual(mail.to, "ada")
        const token = new URL(mail.link, "http://x").searchParams.get("token")!

        const changed = yield* phone.post("/password-reset/confirm", { token, password: "second-password" })
        assert.strictEqual(changed.status, 200)
        // The new stamp ends every login of the user, on both devices.
        assert.strictEqual(yield* laptop.me, "401 Unauthorized")
        assert.strictEqual(yield* phone.me, "401 Unauthorized")
        assert.strictEqual((yield* laptop.post("/login", { username: "ada", password: "first-password" })).status, 401)
        assert.strictEqual((yield* laptop.post("/login", { username: "ada", password: "second-password" })).status, 200)

        // Once only.
        const again = yield* phone.post("/password-reset/confirm", { token, password: "third-password" })
        assert.strictEqual(again.status, 400)
        assert.strictEqual((yield* phone.post("/login", { username: "ada", password: "second-password" })).status, 200)
      }).pipe(Effect.provide(ServerLive))
    }))

  it.scoped("a token expires after an hour, and a wrong or malformed one is refused", () =>
    Effect.gen(function*() {
      const { mails, ServerLive } = yield* setup
      yield* Effect.gen(function*() {
        const user = yield* browser
        yield* user.post("/signup", { username: "bob", password: "bobs-password" })
        yield* user.post("/password-reset", { username: "bob" })
        const token = new URL((yield* Queue.take(mails)).link, "http://x").searchParams.get("token")!
        const [selector] = token.split(".")

        for (const wrong of ["", "x", "a.b.c", `${selector}.wrong-validator`]) {
          assert.strictEqual(
            (yield* user.post("/password-reset/confirm", { token: wrong, password: "new-password" })).status,
            400,
            wrong
          )
        }
        // The wrong validator spent the token: the right one no longer works either.
        assert.strictEqual(
          (yield* user.post("/password-reset/confirm", { token, password: "new-password" })).status,
          400
        )

        yield* user.post("/password-reset", { username: "bob" })
        const late = new URL((yield* Queue.take(mails)).link, "http://x").searchParams.get("token")!
        yield* TestClock.adjust("61 minutes")
        assert.strictEqual(
          (yield* user.post("/password-reset/confirm", { token: late, password: "new-password" })).status,
          400
        )
        assert.strictEqual((yield* user.post("/login", { username: "bob", password: "bobs-password" })).status, 200)
      }).pipe(Effect.provide(ServerLive))
    }))

  it.scoped("a form that does not decode is a 400, never a 500", () =>
    Effect.gen(function*() {
      const { ServerLive } = yield* setup
      yield* Effect.gen(function*() {
        const user = yield* browser
        assert.strictEqual((yield* user.post("/signup", { username: "x", password: "short" })).status, 400)
        assert.strictEqual((yield* user.post("/password-reset/confirm", { token: "x" })).status, 400)
        assert.strictEqual((yield* user.post("/login", {})).status, 400)
      }).pipe(Effect.provide(ServerLive))
    }))
})
