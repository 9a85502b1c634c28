import type { LoginError, UserLoader } from "@effect-login/effect4"
import { LoginEvents, LoginManager } from "@effect-login/effect4"
import { assert, describe, it } from "@effect/vitest"
import { assertExitSuccess } from "@effect/vitest/utils"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import { testClient } from "./utils/client.js"
import { app, secretKey, withUsers } from "./utils/fixtures.js"

const build = (layer: Layer.Layer<LoginManager.LoginManager, LoginError.LoginConfigError, UserLoader.UserLoader>) =>
  Layer.build(withUsers(layer)).pipe(Effect.scoped, Effect.flip)

const withEnv = (env: Record<string, string>) =>
  Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env }))

describe("LoginManager.layer", () => {
  it.effect("refuses an empty secret, saying what to set", () =>
    Effect.gen(function*() {
      const error = yield* build(LoginManager.layer({ secretKey: Redacted.make("") }))
      assert.strictEqual(error._tag, "LoginConfigError")
      assert.match(error.message, /SECRET_KEY is empty: set it to at least 32 random bytes/)
    }))

  it.effect("refuses a short secret (Flask's SECRET_KEY gotcha) without printing it", () =>
    Effect.gen(function*() {
      const error = yield* build(LoginManager.layer({ secretKey: Redacted.make("hunter2-but-longer") }))
      assert.match(error.message, /SECRET_KEY is 18 bytes, too short/)
      assert.notInclude(error.message, "hunter2")
    }))

  it.effect("refuses a short previous key too", () =>
    Effect.gen(function*() {
      const error = yield* build(LoginManager.layer({
        secretKey: Redacted.make("k".repeat(32)),
        previousSecretKeys: [Redacted.make("short")]
      }))
      assert.match(error.message, /previous secret key #1 is 5 bytes/)
    }))

  it.effect("refuses SameSite=None without Secure, and invalid cookie options", () =>
    Effect.gen(function*() {
      const secretKey = Redacted.make("k".repeat(32))
      const none = yield* build(LoginManager.layer({ secretKey, cookie: { sameSite: "none", secure: false } }))
      assert.match(none.message, /SameSite=None session cookie must also be Secure/)
      const name = yield* build(LoginManager.layer({ secretKey, cookie: { name: "bad name;" } }))
      assert.match(name.message, /Invalid session cookie options: InvalidName/)
    }))

  it.effect("checks the __Host- and __Secure- prefixes' rules, which browsers enforce by dropping the cookie", () =>
    Effect.gen(function*() {
      const secretKey = Redacted.make("k".repeat(32))
      const host = yield* build(LoginManager.layer({ secretKey, cookie: { name: "__Host-session", secure: false } }))
      assert.include(host.message, "a __Host- cookie must be Secure, with Path=/ and no Domain")
      const domain = yield* build(
        LoginManager.layer({ secretKey, cookie: { name: "__Host-session", domain: "example.com" } })
      )
      assert.include(domain.message, "Invalid session cookie __Host-session")
      const secure = yield* build(
        LoginManager.layer({
          secretKey,
          remember: { name: "__Secure-remember", secure: false },
          cookie: { secure: true }
        })
      )
      assert.include(secure.message, "Invalid remember cookie __Secure-remember: a __Secure- cookie must be Secure")
      yield* Layer.build(withUsers(LoginManager.layer({ secretKey, cookie: { name: "__Host-session" } }))).pipe(
        Effect.scoped
      )
    }))

  it.effect("refuses login and refresh views that cannot be redirected to, naming the setting", () =>
    Effect.gen(function*() {
      const secretKey = Redacted.make("k".repeat(32))
      for (const view of ["http://", "login", "//evil.example/login", "javascript:alert(1)", "ftp://example.com/"]) {
        const error = yield* build(LoginManager.layer({ secretKey, loginView: view }))
        assert.include(error.message, `Invalid loginView (LOGIN_VIEW) ${JSON.stringify(view)}`)
      }
      const refresh = yield* build(LoginManager.layer({ secretKey, refreshView: "http://" }))
      assert.include(refresh.message, "Invalid refreshView (REFRESH_VIEW)")
      for (const view of ["/login", "/login?lang=fr", "https://auth.example.com/login"]) {
        yield* Layer.build(withUsers(LoginManager.layer({ secretKey, loginView: view }))).pipe(Effect.scoped)
      }
    }))

  it.effect("refuses a trusted origin that is not an origin, naming the setting", () =>
    Effect.gen(function*() {
      const secretKey = Redacted.make("k".repeat(32))
      for (const entry of ["not a url", "admin.example.com", "https://admin.example.com/path", "ftp://x.example"]) {
        const error = yield* build(LoginManager.layer({ secretKey, csrf: { trustedOrigins: [entry] } }))
        assert.include(
          error.message,
          `Invalid csrf.trustedOrigins (CSRF_TRUSTED_ORIGINS) entry ${JSON.stringify(entry)}`
        )
      }
      yield* Layer.build(withUsers(LoginManager.layer({ secretKey, csrf: { trustedOrigins: ["https://a.example/"] } })))
        .pipe(Effect.scoped)
    }))
})

describe("LoginManager.layerConfig", () => {
  it.effect("a missing SECRET_KEY fails at start-up with a message that says what to set", () =>
    Effect.gen(function*() {
      const error = yield* build(LoginManager.layerConfig()).pipe(withEnv({}))
      assert.match(error.message, /SECRET_KEY/)
      assert.match(error.message, /openssl rand -base64 32/)
    }))

  it.effect("reads the environment: secret, fallbacks, login view, cookie", () =>
    Effect.gen(function*() {
      const client = yield* testClient(yield* app)
      assert.strictEqual((yield* client.get("/protected")).location, "/sign-in?next=%2Fprotected")
      const login = yield* client.get("/login/1")
      assert.match(login.setCookies[0] ?? "", /^sid=.*; Path=\/; HttpOnly; SameSite=Lax$/)
    }).pipe(
      Effect.provide(withUsers(LoginManager.layerConfig())),
      withEnv({
        SECRET_KEY: "s".repeat(40),
        SECRET_KEY_FALLBACKS: `${"o".repeat(40)},${"p".repeat(40)}`,
        LOGIN_VIEW: "/sign-in",
        SESSION_COOKIE_NAME: "sid",
        SESSION_COOKIE_SECURE: "false"
      })
    ))

  it.effect("a bad value for another key is reported as such", () =>
    Effect.gen(function*() {
      const error = yield* build(LoginManager.layerConfig()).pipe(
        withEnv({ SECRET_KEY: "s".repeat(40), SESSION_COOKIE_SECURE: "maybe" })
      )
      // Effect 4 prints the path of a config error on a line of its own.
      assert.match(error.message, /^Invalid login configuration: .*SESSION_COOKIE_SECURE/s)
    }))

  it.effect("the configured secret stays redacted", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Effect.map(LoginManager.defaultConfig, (options) => String(options.secretKey)).pipe(
          withEnv({ SECRET_KEY: "s".repeat(40) })
        )
      )
      assertExitSuccess(exit, "<redacted>")
      assert.strictEqual(LoginManager.minSecretBytes, 32)
    }))

  it.effect("a manager made with `make` and provided by hand: the middleware gives requests their session", () =>
    Effect.gen(function*() {
      const client = yield* testClient(yield* app)
      assert.strictEqual((yield* client.get("/username")).body, "Anonymous")
      assert.strictEqual((yield* client.get("/login/1")).status, 200)
      assert.strictEqual((yield* client.get("/username")).body, "Notch")
      yield* client.get("/logout")
      assert.strictEqual((yield* client.get("/username")).body, "Anonymous")
    }).pipe(
      Effect.provide(
        withUsers(
          Layer.effect(LoginManager.LoginManager, LoginManager.make({ secretKey, cookie: { secure: false } })).pipe(
            Layer.provideMerge(LoginEvents.layer),
            Layer.orDie
          )
        )
      )
    ))

  it.effect("a secret of exactly 32 bytes is accepted, 31 is refused (bytes, not characters)", () =>
    Effect.gen(function*() {
      yield* Layer.build(withUsers(LoginManager.layer({ secretKey: Redacted.make("s".repeat(32)) }))).pipe(
        Effect.scoped
      )
      const short = yield* build(LoginManager.layer({ secretKey: Redacted.make("s".repeat(31)) }))
      assert.match(short.message, /SECRET_KEY is 31 bytes, too short/)
      // 16 characters of two bytes each: 32 bytes.
      yield* Layer.build(withUsers(LoginManager.layer({ secretKey: Redacted.make("é".repeat(16)) }))).pipe(
        Effect.scoped
      )
    }))
})
