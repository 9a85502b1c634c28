// HttpApi layer constructors check what the tag provides.
import { HttpApiLogin } from "effect-login"
import { FreshLoginRequired, LoginRequired } from "../pass/app.js"

// A fresh-login tag implemented as a plain login check: stale logins would get FreshUser.
// @expect-error is not assignable to parameter of type
// @fix export const stale = HttpApiLogin.layerFreshLoginRequired(FreshLoginRequired)
export const stale = HttpApiLogin.layerLoginRequired(FreshLoginRequired)

// The session tag implemented as a login check: the user would be provided as the Session.
// @expect-error is not assignable to parameter of type
// @fix export const session = HttpApiLogin.layerAuthentication(HttpApiLogin.Authentication)
export const session = HttpApiLogin.layerLoginRequired(HttpApiLogin.Authentication)

// A login tag implemented as the session middleware.
// @expect-error is not assignable to parameter of type
// @fix export const login = HttpApiLogin.layerLoginRequired(LoginRequired)
export const login = HttpApiLogin.layerAuthentication(LoginRequired)
