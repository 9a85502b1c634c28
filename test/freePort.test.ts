/** The test servers' port helper: a port taken between choosing and binding is retried, not a flaky failure. */
import { assert, describe, it } from "@effect/vitest"
import { onFreePort } from "./utils/freePort.js"

describe("onFreePort", () => {
  it("tries another port when the chosen one was taken in between, and gives up after its attempts", async () => {
    const tried: Array<number> = []
    const started = await onFreePort(async (port) => {
      tried.push(port)
      if (tried.length === 1) throw new Error("EADDRINUSE")
      return "listening"
    })
    assert.strictEqual(started.child, "listening")
    assert.strictEqual(tried.length, 2)
    assert.strictEqual(started.port, tried[1])
    let calls = 0
    const failing = onFreePort(async () => {
      calls++
      throw new Error("EADDRINUSE")
    }, 3)
    await failing.then(() => assert.fail("should give up"), (error) => assert.strictEqual(error.message, "EADDRINUSE"))
    assert.strictEqual(calls, 3)
  })
})
