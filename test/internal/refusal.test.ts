import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type * as sessionData from "../../src/core/sessionData.js"
import * as refusal from "../../src/internal/refusal.js"

const request = (path: string, headers: Record<string, string> = {}) =>
  HttpServerRequest.fromWeb(new Request(`http://localhost${path}`, { headers }))
const settings: refusal.Settings = {
  loginView: "/login",
  refreshView: "/reauth",
  useSessionForNext: false,
  loginMessage: { message: "Please log in", category: "message" },
  needsRefreshMessage: undefined,
  localize: (message) => message.toUpperCase(),
  onUnauthorized: undefined,
  onNeedsRefresh: undefined
}

describe("refusal", () => {
  it("401 answers: JSON for clients that accept it, text otherwise", () => {
    const json = refusal.unauthorized(request("/", { accept: "application/json" }), "NeedsRefresh")
    assert.strictEqual(json.status, 401)
    const body = (response: HttpServerResponse.HttpServerResponse) =>
      new TextDecoder().decode((response.body as { body: Uint8Array }).body)
    assert.deepStrictEqual(JSON.parse(body(json)), { error: "NeedsRefresh", message: refusal.messages.NeedsRefresh })
    const text = refusal.unauthorized(request("/"), "Unauthorized")
    assert.strictEqual(text.status, 401)
    assert.strictEqual(body(text), "Unauthorized")
  })

  it("next: the path and query for this site's login view, the full URL for another site's", () => {
    assert.strictEqual(refusal.next(request("/a/b?c=1"), "/login"), "/a/b?c=1")
    assert.strictEqual(refusal.next(request("/a?c=1"), "https://sso.example/login"), "http://localhost/a?c=1")
    assert.strictEqual(refusal.next(request("/a"), "http://localhost/login"), "/a")
  })

  it.effect("respond: a redirect with next, and the localized flash kept in the session", () =>
    Effect.gen(function*() {
      const kept: Array<sessionData.Mutation> = []
      const response = yield* refusal.respond(
        settings,
        request("/private?x=1"),
        "Unauthorized",
        "/login",
        (mutation) => Effect.sync(() => void kept.push(mutation))
      )
      assert.strictEqual(response.status, 302)
      assert.strictEqual(response.headers.location, "/login?next=%2Fprivate%3Fx%3D1")
      assert.deepStrictEqual(kept[0]!(undefined, 0)?.flashes, [["message", "PLEASE LOG IN"]])
    }))

  it.effect("respond: with useSessionForNext, next goes to the session and not in the URL", () =>
    Effect.gen(function*() {
      const kept: Array<sessionData.Mutation> = []
      const response = yield* refusal.respond(
        { ...settings, useSessionForNext: true, loginMessage: undefined },
        request("/private"),
        "Unauthorized",
        "/login",
        (mutation) => Effect.sync(() => void kept.push(mutation))
      )
      assert.strictEqual(response.headers.location, "/login")
      assert.strictEqual(kept[0]!(undefined, 0)?.next, "/private")
    }))

  it.effect("respond: a session that cannot keep the flash loses the flash, not the redirect", () =>
    Effect.gen(function*() {
      const response = yield* refusal.respond(
        settings,
        request("/p"),
        "Unauthorized",
        "/login",
        () => Effect.fail("full")
      )
      assert.strictEqual(response.status, 302)
    }))

  it.effect("respond: the application's handler, else 401 without a view", () =>
    Effect.gen(function*() {
      const handler = Effect.map(
        HttpServerRequest.HttpServerRequest,
        (r) => HttpServerResponse.text(`custom ${r.url}`, { status: 418 })
      )
      const custom = yield* refusal.respond(
        { ...settings, onNeedsRefresh: handler },
        request("/p"),
        "NeedsRefresh",
        "/reauth",
        () => Effect.void
      )
      assert.strictEqual(custom.status, 418)
      const plain = yield* refusal.respond(settings, request("/p"), "Unauthorized", undefined, () => Effect.void)
      assert.strictEqual(plain.status, 401)
    }))
})
