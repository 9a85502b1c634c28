// A handler typed with the admins' user, behind the users' loginRequired: any logged-in user would reach it.
import { HttpRouter, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import { LoginManager } from "effect-login"
// @fix import { Admins } from "../pass/app.js"
import { Admins, loginRequired } from "../pass/app.js"

const adminPage = Effect.map(Admins.AuthenticatedUser, (admin) => HttpServerResponse.text(admin.permissions.join()))

export const app = LoginManager.middleware(
  // @expect-error a route needs AuthenticatedUser or FreshUser
  // @fix HttpRouter.empty.pipe(HttpRouter.get("/admin", adminPage.pipe(Admins.loginRequired)))
  HttpRouter.empty.pipe(HttpRouter.get("/admin", adminPage.pipe(loginRequired)))
)
