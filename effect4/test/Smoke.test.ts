import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { testClient } from "./utils/client.js"
import { app, loginLayer } from "./utils/fixtures.js"

describe("smoke", () => {
  it.effect("logs in, sees the user, logs out", () =>
    Effect.gen(function*() {
      const client = yield* testClient(yield* app)
      assert.strictEqual((yield* client.get("/username")).body, "Anonymous")
      assert.strictEqual((yield* client.get("/protected")).status, 401)
      assert.strictEqual((yield* client.get("/login/1")).body, "true")
      assert.strictEqual((yield* client.get("/username")).body, "Notch")
      assert.strictEqual((yield* client.get("/protected")).body, "Access Granted: Notch")
      yield* client.get("/logout")
      assert.strictEqual((yield* client.get("/username")).body, "Anonymous")
    }).pipe(Effect.provide(loginLayer())))
})
