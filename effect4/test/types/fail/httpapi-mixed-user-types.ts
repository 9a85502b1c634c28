// An HttpApi endpoint behind the users' LoginRequired whose handler asks for an admin: two user
// types declared apart never mix.
import { HttpApiLogin, type LoginEvents, type LoginManager, UserLoader } from "@effect-login/effect4"
import { Effect, Layer, Schema } from "effect"
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "effect/http-api"

interface User {
  readonly id: string
  readonly name: string
}
const Users = UserLoader.make("app/Users", { id: (user: User) => user.id })

interface Admin {
  readonly id: string
  readonly permissions: ReadonlyArray<string>
}
export const Admins = UserLoader.make("app/Admins", { id: (admin: Admin) => admin.id })

class LoginRequired extends HttpApiLogin.Service<LoginRequired>()(
  "app/LoginRequired",
  HttpApiLogin.loginRequired(Users, { session: HttpApiLogin.sessionCookie() })
) {}

class MeGroup extends HttpApiGroup.make("me")
  .add(HttpApiEndpoint.get("me", "/me", { success: Schema.String }))
  .middleware(LoginRequired)
{}
class Api extends HttpApi.make("api").add(MeGroup) {}

const MeLive = HttpApiBuilder.group(
  Api,
  "me",
  (handlers) =>
    // @fix handlers.handle("me", () => Effect.map(Users.AuthenticatedUser, (user) => user.name))
    handlers.handle("me", () => Effect.map(Admins.AuthenticatedUser, (admin) => admin.id))
).pipe(Layer.provide(HttpApiLogin.layerLoginRequired(LoginRequired)))

// What the group needs beyond the login manager: nothing, when its handlers ask for the users it guards.
// @expect-error Type 'Request<"Requires", AuthenticatedUser<"app/Admins">>' is not assignable to type 'LoginManager | LoginEvents'
export const Me: Layer.Layer<
  HttpApiGroup.Service<"api", "me">,
  never,
  LoginManager.LoginManager | LoginEvents.LoginEvents
> = MeLive
