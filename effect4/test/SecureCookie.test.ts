/**
 * A `Secure` cookie set over plain http to a host that is not loopback is
 * dropped by the browser without a word: the login seems to work, then the
 * user is anonymous. The library says so, once, naming the setting. Over a
 * real socket, so that the Host header is what a LAN client would send.
 */
import { LoginManager } from "@effect-login/effect4"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Layer, Logger, References } from "effect"
import { HttpServer } from "effect/http"
import * as http from "node:http"
import { app, secretKey, withUsers } from "./utils/fixtures.js"

/** What the library logged during a test: every line from INFO up, with its level, and the Layer that records it. */
const captureLogs = () => {
  const lines: Array<{ readonly level: string; readonly message: string }> = []
  const logger = Logger.make(({ logLevel, message }) => {
    lines.push({ level: logLevel.toUpperCase(), message: Array.isArray(message) ? message.join(" ") : String(message) })
  })
  return {
    lines,
    /** The lines of one level ("WARN", "ERROR"…), their messages only. */
    at: (level: string) => lines.filter((line) => line.level === level).map((line) => line.message),
    layer: Layer.merge(Logger.layer([logger]), Layer.succeed(References.MinimumLogLevel, "Info"))
  }
}

/** A GET with the given headers (Host included), over a real socket. */
const get = (port: number, path: string, headers: Record<string, string>) =>
  Effect.callback<number>((resume) => {
    const request = http.request({ host: "127.0.0.1", port, path, headers }, (response) => {
      response.resume()
      response.on("end", () => resume(Effect.succeed(response.statusCode ?? 0)))
    })
    request.on("error", (error) => resume(Effect.die(error)))
    request.end()
  })

describe("Secure cookies over plain http", () => {
  it.effect("one warning, naming the setting, when a LAN host gets a Secure cookie over http; none otherwise", () => {
    const logs = captureLogs()
    return Effect.gen(function*() {
      const context = yield* Layer.build(
        Layer.merge(
          withUsers(LoginManager.layer({ secretKey })),
          NodeHttpServer.layer(http.createServer, { port: 0, host: "127.0.0.1" })
        )
      )
      yield* HttpServer.serveEffect(yield* app).pipe(Effect.provide(context))
      const server = Context.get(context, HttpServer.HttpServer)
      const port = server.address._tag === "UnixPathAddress" ? 0 : server.address.port

      yield* get(port, "/login/1", { host: "localhost:3000" })
      yield* get(port, "/login/1", { host: "app.example", "x-forwarded-proto": "https" })
      assert.deepStrictEqual(logs.at("WARN"), [], "loopback, and https behind a proxy, keep Secure cookies")
      yield* get(port, "/login/1", { host: "192.168.1.20:3000" })
      yield* get(port, "/login/1", { host: "192.168.1.20:3000" })
      const warnings = logs.at("WARN")
      assert.strictEqual(warnings.length, 1, "once")
      assert.include(warnings[0], "plain-http request to 192.168.1.20:3000")
      assert.include(warnings[0], "SESSION_COOKIE_SECURE=false")
    }).pipe(Effect.provide(logs.layer))
  })
})
