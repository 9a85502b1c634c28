// Flask's "'AnonymousUserMixin' object has no attribute 'id'": the current user may be anonymous.
import { Effect } from "effect"
// @fix import { CurrentUser, isAuthenticated } from "../pass/app.js"
import { CurrentUser } from "../pass/app.js"

export const handler = Effect.gen(function*() {
  const user = yield* CurrentUser
  // @expect-error Property 'id' does not exist on type 'Anonymous'
  // @fix return isAuthenticated(user) ? user.id : undefined
  return user.id
})
