/**
 * examples/recipes/oidc.ts against a real OpenID Connect provider (`oidc-provider`, on a loopback port): the
 * browser goes to the provider, signs in and consents there, and comes back logged in; a callback whose state
 * does not match, or that is replayed, logs nobody in.
 */
import { HttpRouter, HttpServerResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { LoginManager } from "effect-login"
import type { Server } from "node:http"
import Provider from "oidc-provider"
import { callback, layerProvider, signIn, type User, Users } from "../../examples/recipes/oidc.js"
import { applySetCookies, testClient } from "../utils/client.js"
import { onFreePort } from "../utils/freePort.js"

const appOrigin = "http://app.example"

// A provider with one registered client (this app), any login accepted by its development interactions.
const provider = Effect.acquireRelease(
  Effect.promise(() =>
    onFreePort((port) => {
      const oidc = new Provider(`http://127.0.0.1:${port}`, {
        clients: [{
          client_id: "the-app",
          client_secret: "the-app-secret-0123456789",
          redirect_uris: [`${appOrigin}/auth/callback`],
          grant_types: ["authorization_code"],
          response_types: ["code"]
        }],
        claims: { openid: ["sub"], email: ["email"] },
        findAccount: (_, sub) => ({ accountId: sub, claims: () => ({ sub, email: `${sub}@example.com` }) }),
        cookies: { keys: ["provider-cookie-key-0123456789"] },
        pkce: { required: () => true },
        // The email in the ID token, as most providers put it there for the "email" scope.
        conformIdTokenClaims: false,
        features: { devInteractions: { enabled: true } }
      })
      return new Promise<Server>((resolve, reject) => {
        const server = oidc.listen(port, "127.0.0.1", () => resolve(server))
        server.once("error", reject)
      })
    })
  ),
  ({ child }) => Effect.promise(() => new Promise<void>((resolve) => child.close(() => resolve())))
)

// The users who signed in with the provider, by issuer and subject.
const known = new Map<string, User>()
const findOrCreate = (claims: { readonly iss: string; readonly sub: string; readonly email?: unknown }) =>
  Effect.sync(() => {
    const id = `${claims.iss}#${claims.sub}`
    const user = known.get(id) ?? { id, email: typeof claims.email === "string" ? claims.email : undefined }
    known.set(id, user)
    return user
  })

const app = HttpRouter.empty.pipe(
  HttpRouter.get("/auth/login", signIn),
  HttpRouter.get("/auth/callback", callback(findOrCreate)),
  HttpRouter.get(
    "/me",
    Effect.map(Users.AuthenticatedUser, (user) => HttpServerResponse.text(user.email ?? "")).pipe(Users.loginRequired)
  ),
  LoginManager.middleware
)

const appLayer = (issuer: string) =>
  Layer.mergeAll(
    LoginManager.layer({ secretKey: Redacted.make("oidc-recipe-secret-0123456789abcdefgh"), cookie: { secure: false } })
      .pipe(Layer.provide(Users.layer((id) => Effect.succeed(Option.fromNullable(known.get(id)))))),
    layerProvider({
      issuer: new URL(issuer),
      clientId: "the-app",
      clientSecret: Redacted.make("the-app-secret-0123456789"),
      redirectUri: new URL(`${appOrigin}/auth/callback`),
      allowHttp: true
    })
  )

// A browser: the app in process, the provider over real HTTP, each with its own cookies.
const browser = Effect.gen(function*() {
  const appClient = yield* testClient(app)
  const providerCookies = new Map<string, string>()
  const toProvider = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers)
    headers.set("cookie", [...providerCookies].map(([name, value]) => `${name}=${value}`).join("; "))
    const response = await fetch(url, { ...init, headers, redirect: "manual" })
    applySetCookies(providerCookies, response.headers.getSetCookie())
    return { status: response.status, location: response.headers.get("location"), body: await response.text() }
  }
  /**
   * Follows redirects from `start` through the provider, submitting its forms (`fields` at its login page),
   * until the provider sends the browser back to the app: the URL it sends it to.
   */
  const atProvider = (start: string, fields: Record<string, string>) =>
    Effect.gen(function*() {
      let url = start
      for (let step = 0; step < 20; step++) {
        if (url.startsWith(appOrigin)) return url
        const response = yield* Effect.promise(() => toProvider(url))
        if (response.location !== null) {
          url = new URL(response.location, url).href
          continue
        }
        const form = response.body.match(/<form[^>]*action="([^"]+)"[^>]*method="post">([\s\S]*?)<\/form>/)
        assert.isNotNull(form, `a page of the provider without a form: ${response.body.slice(0, 200)}`)
        const prompt = form![2]!.match(/name="prompt" value="(\w+)"/)![1]!
        const submitted = yield* Effect.promise(() =>
          toProvider(new URL(form![1]!, url).href, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ prompt, ...(prompt === "login" ? fields : {}) })
          })
        )
        url = new URL(submitted.location!, url).href
      }
      throw new Error("too many redirects")
    })
  /** Starts a sign-in at the app and goes through the provider: the callback URL it sends the browser to. */
  const signInAt = (fields: Record<string, string>) =>
    Effect.flatMap(appClient.get("/auth/login"), (started) => atProvider(started.location!, fields))
  const openAtApp = (url: string) => appClient.get(url.slice(appOrigin.length))
  return { app: appClient, signInAt, openAtApp }
})

describe("recipe: signing in with an OpenID Connect provider", () => {
  it.live(
    "sign in at the provider, come back logged in; the same subject is the same user next time",
    () =>
      Effect.gen(function*() {
        const { port } = yield* provider
        yield* Effect.gen(function*() {
          const { app, openAtApp, signInAt } = yield* browser
          assert.strictEqual((yield* app.get("/me")).status, 401)
          const callbackUrl = yield* signInAt({ login: "alice", password: "any" })
          assert.match(callbackUrl, /^http:\/\/app\.example\/auth\/callback\?code=/)
          const landed = yield* openAtApp(callbackUrl)
          assert.strictEqual(landed.status, 303)
          assert.strictEqual(landed.location, "/")
          assert.strictEqual((yield* app.get("/me")).body, "alice@example.com")
          const id = `http://127.0.0.1:${port}#alice`
          assert.isTrue(known.has(id))

          // Again, from another browser: the same user, not a second one.
          const other = yield* browser
          yield* other.openAtApp(yield* other.signInAt({ login: "alice", password: "any" }))
          assert.strictEqual((yield* other.app.get("/me")).body, "alice@example.com")
          assert.strictEqual([...known.keys()].filter((key) => key === id).length, 1)
        }).pipe(Effect.provide(appLayer(`http://127.0.0.1:${port}`)))
      }).pipe(Effect.scoped),
    30_000
  )

  it.live("a callback replayed, in this browser or another, logs nobody in", () =>
    Effect.gen(function*() {
      const { port } = yield* provider
      yield* Effect.gen(function*() {
        const victim = yield* browser
        const callbackUrl = yield* victim.signInAt({ login: "bob", password: "any" })
        assert.strictEqual((yield* victim.openAtApp(callbackUrl)).status, 303)
        // Someone who copied the URL: no sign-in of theirs is in progress.
        const attacker = yield* browser
        assert.strictEqual((yield* attacker.openAtApp(callbackUrl)).status, 400)
        assert.strictEqual((yield* attacker.app.get("/me")).status, 401)
        // The same browser again: its sign-in was spent by the first use.
        yield* victim.app.get("/auth/login")
        assert.strictEqual((yield* victim.openAtApp(callbackUrl)).status, 400)
      }).pipe(Effect.provide(appLayer(`http://127.0.0.1:${port}`)))
    }).pipe(Effect.scoped), 30_000)

  it.live(
    "a callback whose state is not this browser's is refused, even with a good code, and spends the sign-in",
    () =>
      Effect.gen(function*() {
        const { port } = yield* provider
        yield* Effect.gen(function*() {
          const { app, openAtApp, signInAt } = yield* browser
          const callbackUrl = new URL(yield* signInAt({ login: "carol", password: "any" }))
          const state = callbackUrl.searchParams.get("state")!
          callbackUrl.searchParams.set("state", `${state}-forged`)
          assert.strictEqual((yield* openAtApp(callbackUrl.href)).status, 400)
          callbackUrl.searchParams.set("state", state)
          assert.strictEqual((yield* openAtApp(callbackUrl.href)).status, 400)
          assert.strictEqual((yield* app.get("/me")).status, 401)
        }).pipe(Effect.provide(appLayer(`http://127.0.0.1:${port}`)))
      }).pipe(Effect.scoped),
    30_000
  )
})
