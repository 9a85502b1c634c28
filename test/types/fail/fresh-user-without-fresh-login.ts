// A handler that needs a fresh login, mounted behind loginRequired only: refused at the middleware.
import { HttpRouter, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import { LoginManager } from "effect-login"
// @fix import { freshLoginRequired, FreshUser } from "../pass/app.js"
import { freshLoginRequired, FreshUser, loginRequired } from "../pass/app.js"

const settings = Effect.map(FreshUser, (user) => HttpServerResponse.text(user.name))
const router = HttpRouter.empty.pipe(
  HttpRouter.get("/settings", settings.pipe(freshLoginRequired)),
  // @fix HttpRouter.get("/settings/again", settings.pipe(freshLoginRequired))
  HttpRouter.get("/settings/again", settings.pipe(loginRequired))
)

// @expect-error a route needs AuthenticatedUser or FreshUser: wrap it (or its router) in loginRequired or freshLoginRequired
export const app = LoginManager.middleware(router)
