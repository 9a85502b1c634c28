import * as RequestLoader from "@effect-login/effect4/RequestLoader"
import { assert, describe, it } from "@effect/vitest"
import { assertNone, assertSome } from "@effect/vitest/utils"
import { Effect, Option, Redacted } from "effect"
import { HttpServerRequest } from "effect/http"

const request = (url: string, headers: Record<string, string> = {}) =>
  HttpServerRequest.fromWeb(new Request(`http://localhost${url}`, { headers }))

/** Echoes the credential it was given, and counts the calls. */
const echo = () => {
  const seen: Array<string> = []
  const verify = (credential: Redacted.Redacted) =>
    Effect.sync(() => {
      seen.push(Redacted.value(credential))
      return Option.some(Redacted.value(credential))
    })
  return { seen, verify }
}

describe("RequestLoader", () => {
  it.effect("bearer reads Authorization: Bearer, any case, and nothing else", () =>
    Effect.gen(function*() {
      const { seen, verify } = echo()
      const loader = RequestLoader.bearer(verify)
      assert.strictEqual(loader.name, "bearer")
      assertSome(yield* loader.load(request("/", { authorization: "Bearer abc" })), "abc")
      assertSome(yield* loader.load(request("/", { authorization: "bearer  def " })), "def")
      assertNone(yield* loader.load(request("/", { authorization: "Basic abc" })))
      assertNone(yield* loader.load(request("/", { authorization: "Bearer " })))
      assertNone(yield* loader.load(request("/")))
      // Empty or absent credentials never reach the verifier.
      assert.deepStrictEqual(seen, ["abc", "def"])
    }))

  it.effect("header reads an API key header, case-insensitively", () =>
    Effect.gen(function*() {
      const { verify } = echo()
      const loader = RequestLoader.header("X-API-Key", verify)
      assert.strictEqual(loader.name, "header:x-api-key")
      assertSome(yield* loader.load(request("/", { "x-api-key": "k1" })), "k1")
      assertNone(yield* loader.load(request("/", { "x-other": "k1" })))
    }))

  it.effect("query reads a query parameter", () =>
    Effect.gen(function*() {
      const { verify } = echo()
      const loader = RequestLoader.query("user_id", verify)
      assertSome(yield* loader.load(request("/p?a=1&user_id=2")), "2")
      assertNone(yield* loader.load(request("/p?user_id=")))
      assertNone(yield* loader.load(request("/p")))
    }))

  it.effect("make reads anything", () =>
    Effect.gen(function*() {
      const loader = RequestLoader.make("method", (request) => Effect.succeed(Option.some(request.method)))
      assertSome(yield* loader.load(request("/")), "GET")
    }))
})
