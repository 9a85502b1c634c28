import { HttpServerRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import { RequestLoader } from "effect-login"

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
      assert.deepStrictEqual(yield* loader.load(request("/", { authorization: "Bearer abc" })), Option.some("abc"))
      assert.deepStrictEqual(yield* loader.load(request("/", { authorization: "bearer  def " })), Option.some("def"))
      assert.deepStrictEqual(yield* loader.load(request("/", { authorization: "Basic abc" })), Option.none())
      assert.deepStrictEqual(yield* loader.load(request("/", { authorization: "Bearer " })), Option.none())
      assert.deepStrictEqual(yield* loader.load(request("/")), Option.none())
      // Empty or absent credentials never reach the verifier.
      assert.deepStrictEqual(seen, ["abc", "def"])
    }))

  it.effect("header reads an API key header, case-insensitively", () =>
    Effect.gen(function*() {
      const { verify } = echo()
      const loader = RequestLoader.header("X-API-Key", verify)
      assert.strictEqual(loader.name, "header:x-api-key")
      assert.deepStrictEqual(yield* loader.load(request("/", { "x-api-key": "k1" })), Option.some("k1"))
      assert.deepStrictEqual(yield* loader.load(request("/", { "x-other": "k1" })), Option.none())
    }))

  it.effect("query reads a query parameter", () =>
    Effect.gen(function*() {
      const { verify } = echo()
      const loader = RequestLoader.query("user_id", verify)
      assert.deepStrictEqual(yield* loader.load(request("/p?a=1&user_id=2")), Option.some("2"))
      assert.deepStrictEqual(yield* loader.load(request("/p?user_id=")), Option.none())
      assert.deepStrictEqual(yield* loader.load(request("/p")), Option.none())
    }))

  it.effect("make reads anything", () =>
    Effect.gen(function*() {
      const loader = RequestLoader.make("method", (request) => Effect.succeed(Option.some(request.method)))
      assert.deepStrictEqual(yield* loader.load(request("/")), Option.some("GET"))
    }))
})
