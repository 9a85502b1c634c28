// A login view applied inside the guard would never see its refusals: refused, whatever the order intended.
import { HttpRouter } from "@effect/platform"
import { LoginView } from "effect-login"
import { loginRequired, profile } from "../pass/app.js"

export const admin = HttpRouter.empty.pipe(
  HttpRouter.get("/admin", profile),
  // @expect-error apply the login view after (outside) loginRequired
  // @fix HttpRouter.use(loginRequired),
  HttpRouter.use(LoginView.withLoginView("/admin/login")),
  // @fix HttpRouter.use(LoginView.withLoginView("/admin/login"))
  HttpRouter.use(loginRequired)
)
