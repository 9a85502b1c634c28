// Flask's "The view function did not return a valid response": a handler must produce a response.
import { HttpRouter } from "@effect/platform"
import { Effect } from "effect"
import { CurrentUser } from "../pass/app.js"

export const router = HttpRouter.empty.pipe(
  // @expect-error Type 'void' is not assignable to type 'Respondable'
  HttpRouter.get("/", Effect.asVoid(CurrentUser))
)
