// layerTest with fresh: false does not provide FreshUser, in the types as at run time.
import { Effect } from "effect"
import type { HttpServerResponse } from "effect/http"
import { layerTest, settings } from "../pass/app.js"

// @expect-error Type 'FreshUser<"app/Users">' is not assignable to type 'never'
export const run: Effect.Effect<HttpServerResponse.HttpServerResponse> = Effect.provide(
  settings,
  // @fix layerTest({ id: "1", name: "Ada" })
  layerTest({ id: "1", name: "Ada" }, { fresh: false })
)
