// What a user writes instead of adopting a library: an HMAC-signed cookie checked by hand on the same stack.
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Schema } from "effect"
import { createHmac, timingSafeEqual } from "node:crypto"
import { createServer } from "node:http"

const secret = "benchmark-secret-key-0123456789abcdef"
const maxAge = 14 * 24 * 60 * 60 * 1000
const users = new Map([["1", { id: "1", name: "alice", password: "wonderland" }]])
const sign = (payload: string) => createHmac("sha256", secret).update(payload).digest("base64url")

// `auth` = "userId|issuedAt.signature"; undefined when missing, forged or expired.
const verify = (value: string | undefined) => {
  if (value === undefined) return undefined
  const dot = value.lastIndexOf(".")
  if (dot < 0) return undefined
  const payload = value.slice(0, dot)
  const given = Buffer.from(value.slice(dot + 1))
  const expected = Buffer.from(sign(payload))
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  const [id, issuedAt] = payload.split("|")
  if (id === undefined || !(Date.now() - Number(issuedAt) <= maxAge)) return undefined
  return users.get(id)
}

const Form = Schema.Struct({ username: Schema.String, password: Schema.String })

const router = HttpRouter.empty.pipe(
  HttpRouter.get("/public", Effect.succeed(HttpServerResponse.text("public"))),
  HttpRouter.get(
    "/protected",
    Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
      const user = verify(request.cookies.auth)
      return user === undefined
        ? HttpServerResponse.text("no", { status: 401 })
        : HttpServerResponse.text(`hello ${user.name}`)
    })
  ),
  HttpRouter.post(
    "/login",
    Effect.gen(function*() {
      const form = yield* HttpServerRequest.schemaBodyUrlParams(Form)
      const user = users.get("1")!
      if (form.username !== user.name || form.password !== user.password) {
        return HttpServerResponse.text("no", { status: 401 })
      }
      const payload = `${user.id}|${Date.now()}`
      return HttpServerResponse.text("ok").pipe(
        HttpServerResponse.unsafeSetCookie("auth", `${payload}.${sign(payload)}`, {
          httpOnly: true,
          sameSite: "lax",
          path: "/"
        })
      )
    }).pipe(Effect.orDie)
  )
)

HttpServer.serve(router).pipe(
  Layer.provide(NodeHttpServer.layer(createServer, { port: Number(process.env.PORT), host: "127.0.0.1" })),
  Layer.tap(() => Console.log("listening")),
  Layer.launch,
  NodeRuntime.runMain
)
