// CurrentUser may be anonymous: it cannot be used as a User without narrowing.
import { Effect } from "effect"
import type { User } from "../pass/app.js"
// @fix import { AuthenticatedUser } from "../pass/app.js"
import { CurrentUser } from "../pass/app.js"

export const handler = Effect.gen(function*() {
  // @expect-error Type 'Anonymous' is missing the following properties from type 'User': id, name
  // @fix const user: User = yield* AuthenticatedUser
  const user: User = yield* CurrentUser
  return user.name
})
