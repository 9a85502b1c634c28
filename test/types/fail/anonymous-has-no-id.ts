// Flask's "'AnonymousUserMixin' object has no attribute 'id'": the current user may be anonymous.
import { Effect } from "effect"
import { CurrentUser } from "../pass/app.js"

export const handler = Effect.gen(function*() {
  const user = yield* CurrentUser
  // @expect-error Property 'id' does not exist on type 'Anonymous'
  return user.id
})
