// The ceiling: @effect/platform-node's HttpRouter with no authentication at all.
import { HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer } from "effect"
import { createServer } from "node:http"

const router = HttpRouter.empty.pipe(HttpRouter.get("/public", Effect.succeed(HttpServerResponse.text("public"))))

HttpServer.serve(router).pipe(
  Layer.provide(NodeHttpServer.layer(createServer, { port: Number(process.env.PORT), host: "127.0.0.1" })),
  Layer.tap(() => Console.log("listening")),
  Layer.launch,
  NodeRuntime.runMain
)
