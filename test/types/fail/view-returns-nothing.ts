// Flask's "The view function did not return a valid response": a handler must produce a response.
// @fix import { HttpRouter, HttpServerResponse } from "@effect/platform"
import { HttpRouter } from "@effect/platform"
import { Effect } from "effect"
import { CurrentUser } from "../pass/app.js"

export const router = HttpRouter.empty.pipe(
  // @expect-error Type 'void' is not assignable to type 'Respondable'
  // @fix HttpRouter.get("/", Effect.as(CurrentUser, HttpServerResponse.empty()))
  HttpRouter.get("/", Effect.asVoid(CurrentUser))
)
