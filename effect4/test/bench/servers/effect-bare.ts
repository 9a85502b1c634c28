// The Effect 4 ceiling: effect 4's HttpRouter on @effect/platform-node 4 with no authentication at all.
// The twin of test/bench/servers/effect-bare.ts; served without the router's logger, as that one is.
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer } from "effect"
import { HttpRouter, HttpServer, HttpServerResponse } from "effect/http"
import { createServer } from "node:http"

const routes = HttpRouter.addAll([
  HttpRouter.route("GET", "/public", Effect.succeed(HttpServerResponse.text("public")))
])

Layer.unwrap(Effect.map(HttpRouter.toHttpEffect(routes), (app) => HttpServer.serve(app))).pipe(
  Layer.provide(NodeHttpServer.layer(createServer, { port: Number(process.env.PORT), host: "127.0.0.1" })),
  Layer.tap(() => Console.log("listening")),
  Layer.launch,
  NodeRuntime.runMain
)
