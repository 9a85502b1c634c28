// A handler that needs a fresh login, mounted behind loginRequired only: refused at the middleware.
import { LoginManager } from "@effect-login/effect4"
import { HttpRouter } from "effect/http"
// @fix import { freshLoginRequired, settings } from "../pass/app.js"
import { loginRequired, settings } from "../pass/app.js"

// @fix const Routes = HttpRouter.add("GET", "/settings", settings.pipe(freshLoginRequired))
const Routes = HttpRouter.add("GET", "/settings", settings.pipe(loginRequired))

// @expect-error a route needs AuthenticatedUser or FreshUser: wrap it (or its router) in loginRequired or freshLoginRequired
export const server = HttpRouter.serve(Routes, { middleware: LoginManager.middleware })
