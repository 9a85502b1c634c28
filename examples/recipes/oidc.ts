/**
 * Recipe: signing in with an OpenID Connect provider, with `openid-client` (a maintained, certified client).
 *
 * The authorization code flow with PKCE, `state` and `nonce`, kept in the session between the redirect and the
 * callback (a session without a login is a small signed cookie, so nothing reaches the store). The callback
 * checks all three through `openid-client`, finds or creates the user by the ID token's issuer and subject,
 * and calls `login(user)`. The callback is a GET, so CSRF protection does not stand in its way; with
 * `response_mode=form_post` (a cross-site POST), wrap the callback in `Csrf.exempt`: the `state` check is
 * then its CSRF protection.
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Context, Data, Effect, Layer, Option, Redacted, Schema } from "effect"
import { Session, UserLoader } from "effect-login"
import * as client from "openid-client"

/** A user who signed in with a provider: identified by the issuer and the subject, never by the email. */
export interface User {
  readonly id: string
  readonly email: string | undefined
}

export const Users = UserLoader.make("recipes/OidcUsers", { id: (user: User) => user.id })

/** The provider's configuration, discovered at start-up. */
export class Provider extends Context.Tag("recipes/Provider")<Provider, {
  readonly config: client.Configuration
  /** This app's callback URL, as registered with the provider. */
  readonly redirectUri: URL
}>() {}

/** Discovers the provider (`allowHttp` for a provider on plain http, in tests only). */
export const layerProvider = (options: {
  readonly issuer: URL
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted
  readonly redirectUri: URL
  readonly allowHttp?: boolean | undefined
}): Layer.Layer<Provider, SignInFailed> =>
  Layer.effect(
    Provider,
    Effect.map(
      Effect.tryPromise({
        try: () =>
          client.discovery(
            options.issuer,
            options.clientId,
            Redacted.value(options.clientSecret),
            undefined,
            options.allowHttp === true ? { execute: [client.allowInsecureRequests] } : undefined
          ),
        catch: (cause) => new SignInFailed({ cause })
      }),
      (config) => ({ config, redirectUri: options.redirectUri })
    )
  )

/** The provider refused, or the callback did not check out: 400, the cause logged. */
export class SignInFailed extends Data.TaggedError("SignInFailed")<{ readonly cause: unknown }> {}

// What the callback checks, from the redirect to the callback.
const Pending = Session.key(
  "oidc",
  Schema.Struct({ state: Schema.String, nonce: Schema.String, verifier: Schema.String })
)

/** GET /auth/login: to the provider, with PKCE, `state` and `nonce`. */
export const signIn = Effect.gen(function*() {
  const { config, redirectUri } = yield* Provider
  const verifier = client.randomPKCECodeVerifier()
  const pending = { state: client.randomState(), nonce: client.randomNonce(), verifier }
  yield* Pending.set(pending)
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri.href,
    scope: "openid email",
    code_challenge: yield* Effect.promise(() => client.calculatePKCECodeChallenge(verifier)),
    code_challenge_method: "S256",
    state: pending.state,
    nonce: pending.nonce
  })
  return HttpServerResponse.redirect(url.href, { status: 302 })
})

/**
 * GET /auth/callback: the code exchanged and the ID token checked (`state`, `nonce`, PKCE, signature, issuer,
 * audience, expiry), then `findOrCreate` with its claims, and the login. Works once: the pending checks are
 * removed whatever the outcome.
 */
export const callback = <E, R>(findOrCreate: (claims: client.IDToken) => Effect.Effect<User, E, R>) =>
  Effect.gen(function*() {
    const { config, redirectUri } = yield* Provider
    const pending = yield* Pending.get
    yield* Pending.remove
    if (Option.isNone(pending)) return yield* new SignInFailed({ cause: "no sign-in in progress" })
    const request = yield* HttpServerRequest.HttpServerRequest
    const tokens = yield* Effect.tryPromise({
      try: () =>
        client.authorizationCodeGrant(config, new URL(request.url, redirectUri), {
          pkceCodeVerifier: pending.value.verifier,
          expectedState: pending.value.state,
          expectedNonce: pending.value.nonce,
          idTokenExpected: true
        }),
      catch: (cause) => new SignInFailed({ cause })
    })
    const claims = tokens.claims()
    if (claims === undefined) return yield* new SignInFailed({ cause: "no ID token" })
    yield* Users.login(yield* findOrCreate(claims))
    return HttpServerResponse.redirect("/", { status: 303 })
  }).pipe(
    Effect.catchIf((error): error is SignInFailed => error instanceof SignInFailed, (error) =>
      Effect.as(
        Effect.logWarning("sign-in with the provider failed", error.cause),
        HttpServerResponse.text("Sign-in failed", { status: 400 })
      ))
  )
