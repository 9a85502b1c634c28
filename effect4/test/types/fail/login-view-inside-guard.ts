// A login view applied inside the guard would never see its refusals: refused, whatever the order intended.
import { LoginView } from "@effect-login/effect4"
import { Effect } from "effect"
import { loginRequired, profile } from "../pass/app.js"

// @expect-error apply the login view after (outside) loginRequired
// @fix export const admin = profile.pipe(loginRequired, LoginView.withLoginView("/admin/login"))
export const admin = profile.pipe(LoginView.withLoginView("/admin/login"), loginRequired)

export const run = Effect.void
