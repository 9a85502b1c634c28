// An HttpApi group whose handler uses the authenticated user, without the LoginRequired middleware.
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Schema } from "effect"
import { HttpApiLogin } from "effect-login"
import { createServer } from "node:http"
import { AuthenticatedUser, LoginLive, LoginRequired } from "../pass/app.js"

class MeGroup extends HttpApiGroup.make("me")
  .add(HttpApiEndpoint.get("me", "/me").addSuccess(Schema.String))
  // @fix .middleware(LoginRequired)
  .middleware(HttpApiLogin.Authentication)
{}
class Api extends HttpApi.make("api").add(MeGroup) {}

const MeLive = HttpApiBuilder.group(
  Api,
  "me",
  (handlers) => handlers.handle("me", () => Effect.map(AuthenticatedUser, (user) => user.name))
)

const ServerLive = HttpApiBuilder.serve().pipe(
  Layer.provide(
    HttpApiBuilder.api(Api).pipe(
      Layer.provide(MeLive),
      Layer.provide([HttpApiLogin.layer, HttpApiLogin.layerLoginRequired(LoginRequired)])
    )
  ),
  Layer.provide(LoginLive),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 0 }))
)

// @expect-error Type 'AuthenticatedUser<"app/Users">' is not assignable to type 'never'
NodeRuntime.runMain(Layer.launch(ServerLive))
