import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { andThen } from "../../src/internal/immediate.js"

describe("immediate", () => {
  it("andThen chains a success value without an Effect step, and anything else with flatMap", () => {
    const direct = andThen(Exit.succeed(1), (n) => Exit.succeed(n + 1))
    assert.isTrue(Exit.isExit(direct))
    assert.deepStrictEqual(Effect.runSync(direct), 2)
    const deferred = andThen(Effect.sync(() => 1), (n) => Exit.succeed(n + 1))
    assert.isFalse(Exit.isExit(deferred))
    assert.strictEqual(Effect.runSync(deferred), 2)
    const failed = andThen(Exit.fail("no"), (n: number) => Exit.succeed(n + 1))
    assert.strictEqual(Effect.runSync(Effect.flip(failed)), "no")
  })
})
