// An HttpApi endpoint behind LoginRequired (any login: remembered, or by API key) whose handler asks
// for the fresh user: only a FreshLoginRequired middleware provides it.
import { HttpApiLogin, type LoginEvents, type LoginManager, UserLoader } from "@effect-login/effect4"
import { Effect, Layer, Schema } from "effect"
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "effect/http-api"

interface User {
  readonly id: string
  readonly name: string
}
const Users = UserLoader.make("app/Users", { id: (user: User) => user.id })

export class LoginRequired extends HttpApiLogin.Service<LoginRequired>()(
  "app/LoginRequired",
  HttpApiLogin.loginRequired(Users, { session: HttpApiLogin.sessionCookie() })
) {}

class FreshLoginRequired extends HttpApiLogin.Service<FreshLoginRequired>()(
  "app/FreshLoginRequired",
  HttpApiLogin.freshLoginRequired(Users, { session: HttpApiLogin.sessionCookie() })
) {}

class AdminGroup extends HttpApiGroup.make("admin")
  .add(HttpApiEndpoint.post("changePassword", "/admin/password", { success: Schema.String }))
  // @fix .middleware(FreshLoginRequired)
  .middleware(LoginRequired)
{}
class Api extends HttpApi.make("api").add(AdminGroup) {}

const AdminLive = HttpApiBuilder.group(
  Api,
  "admin",
  (handlers) => handlers.handle("changePassword", () => Effect.map(Users.FreshUser, (user) => user.name))
).pipe(
  Layer.provide([
    HttpApiLogin.layerLoginRequired(LoginRequired),
    HttpApiLogin.layerFreshLoginRequired(FreshLoginRequired)
  ])
)

// What the group needs beyond the login manager: nothing, when its middleware provides what its handlers use.
// @expect-error Type 'Request<"Requires", FreshUser<"app/Users">>' is not assignable to type 'LoginManager | LoginEvents'
export const Admin: Layer.Layer<
  HttpApiGroup.Service<"api", "admin">,
  never,
  LoginManager.LoginManager | LoginEvents.LoginEvents
> = AdminLive
