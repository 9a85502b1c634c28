// Providing the authenticated user by hand: only loginRequired (and the test Layers) can.
import { Identity } from "@effect-login/effect4"
// @fix import "effect"
import { Effect, Layer } from "effect"
// @fix import { layerTest, loginRequired, profile } from "../pass/app.js"
import { AuthenticatedUser, profile } from "../pass/app.js"

// @expect-error Property '[authenticatedProof]' is missing
// @fix export const forged = profile.pipe(loginRequired)
export const forged = Effect.provideService(profile, AuthenticatedUser, { id: "1", name: "Ada" })

// @expect-error Property '[authenticatedProof]' is missing
// @fix export const live = layerTest({ id: "1", name: "Ada" })
export const live = Layer.succeed(AuthenticatedUser, { id: "1", name: "Ada" })

// The root module has no untyped tag to provide either.
// @expect-error Property 'AuthenticatedUser' does not exist
// @fix export const root = Identity.isAnonymous(Identity.anonymous)
export const root = Effect.provideService(profile, Identity.AuthenticatedUser, "ada")
