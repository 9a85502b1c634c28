// HttpApi layer constructors check what the middleware provides.
import { HttpApiLogin, UserLoader } from "@effect-login/effect4"

interface User {
  readonly id: string
}
const Users = UserLoader.make("app/Users", { id: (user: User) => user.id })

class LoginRequired extends HttpApiLogin.Service<LoginRequired>()(
  "app/LoginRequired",
  HttpApiLogin.loginRequired(Users, { session: HttpApiLogin.sessionCookie() })
) {}

class FreshLoginRequired extends HttpApiLogin.Service<FreshLoginRequired>()(
  "app/FreshLoginRequired",
  HttpApiLogin.freshLoginRequired(Users, { session: HttpApiLogin.sessionCookie() })
) {}

// A fresh-login middleware implemented as a plain login check: stale logins would get FreshUser.
// @expect-error is not assignable to parameter of type
// @fix export const stale = HttpApiLogin.layerFreshLoginRequired(FreshLoginRequired)
export const stale = HttpApiLogin.layerLoginRequired(FreshLoginRequired)

// The session middleware implemented as a login check: the user would be provided as the Session.
// @expect-error is not assignable to parameter of type
// @fix export const session = HttpApiLogin.layerAuthentication(HttpApiLogin.Authentication)
export const session = HttpApiLogin.layerLoginRequired(HttpApiLogin.Authentication)

// A login middleware implemented as the session middleware.
// @expect-error is not assignable to parameter of type
// @fix export const login = HttpApiLogin.layerLoginRequired(LoginRequired)
export const login = HttpApiLogin.layerAuthentication(LoginRequired)

// A login middleware implemented as a fresh-login check: it would refuse stale logins the endpoint accepts.
// @expect-error is not assignable to parameter of type
// @fix export const fresh = HttpApiLogin.layerLoginRequired(LoginRequired)
export const fresh = HttpApiLogin.layerFreshLoginRequired(LoginRequired)
