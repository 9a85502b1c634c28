/**
 * examples/layer-router.ts, in-process through HttpLayerRouter.toWebHandler.
 */
import { HttpLayerRouter, HttpServer } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Layer } from "effect"
import { AllRoutes } from "../examples/layer-router.js"
import { applySetCookies } from "./utils/client.js"

describe("HttpLayerRouter", () => {
  it("public → login → protected → logout → refused", async () => {
    const { dispose, handler } = HttpLayerRouter.toWebHandler(AllRoutes.pipe(Layer.provide(HttpServer.layerContext)), {
      disableLogger: true
    })
    try {
      const jar = new Map<string, string>()
      const request = async (method: string, path: string) => {
        const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ")
        const headers = { cookie, origin: "http://localhost" }
        const response = await handler(new Request(`http://localhost${path}`, { method, headers }))
        applySetCookies(jar, response.headers.getSetCookie())
        return { status: response.status, body: await response.text(), location: response.headers.get("location") }
      }
      assert.strictEqual((await request("GET", "/")).body, "Hello")
      const refused = await request("GET", "/me")
      assert.strictEqual(refused.status, 302)
      assert.strictEqual(refused.location, "/login?next=%2Fme")
      assert.strictEqual((await request("POST", "/login")).body, "logged in")
      assert.strictEqual((await request("GET", "/")).body, "Hello Ada")
      assert.strictEqual((await request("GET", "/me")).body, "You are Ada")
      assert.strictEqual((await request("GET", "/settings")).body, "Settings of Ada")
      assert.strictEqual((await request("POST", "/logout")).body, "logged out")
      assert.strictEqual((await request("GET", "/me")).status, 302)
      // A protected route logs out with the Session its login middleware gives it.
      await request("POST", "/login")
      assert.strictEqual((await request("POST", "/account/logout")).body, "Goodbye Ada")
      assert.strictEqual((await request("GET", "/me")).status, 302)
    } finally {
      await dispose()
    }
  })
})
