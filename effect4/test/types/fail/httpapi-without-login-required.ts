// An HttpApi group whose handler uses the authenticated user, without the LoginRequired middleware.
import { HttpApiLogin, LoginManager, UserLoader } from "@effect-login/effect4"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Option, Redacted, Schema } from "effect"
import { HttpRouter } from "effect/http"
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "effect/http-api"
import { createServer } from "node:http"

interface User {
  readonly id: string
  readonly name: string
}
const Users = UserLoader.make("app/Users", { id: (user: User) => user.id })

class LoginRequired extends HttpApiLogin.Service<LoginRequired>()(
  "app/LoginRequired",
  HttpApiLogin.loginRequired(Users, { session: HttpApiLogin.sessionCookie() })
) {}

class MeGroup extends HttpApiGroup.make("me")
  .add(HttpApiEndpoint.get("me", "/me", { success: Schema.String }))
  // @fix .middleware(LoginRequired)
  .middleware(HttpApiLogin.Authentication)
{}
class Api extends HttpApi.make("api").add(MeGroup) {}

const MeLive = HttpApiBuilder.group(
  Api,
  "me",
  (handlers) => handlers.handle("me", () => Effect.map(Users.AuthenticatedUser, (user) => user.name))
)

const LoginLive = LoginManager.layer({ secretKey: Redacted.make("x".repeat(32)) }).pipe(
  Layer.provide(Users.layer(() => Effect.succeed(Option.none())))
)

const ServerLive = HttpRouter.serve(
  HttpApiBuilder.layer(Api).pipe(
    Layer.provide(MeLive),
    Layer.provide([HttpApiLogin.layer, HttpApiLogin.layerLoginRequired(LoginRequired)])
  )
).pipe(
  Layer.provide(LoginLive),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

// @expect-error Type 'AuthenticatedUser<"app/Users">' is not assignable to type 'never'
NodeRuntime.runMain(Layer.launch(ServerLive))
