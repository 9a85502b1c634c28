import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber } from "effect"
import { SingleFlight } from "../../src/internal/singleFlight.js"

describe("SingleFlight", () => {
  it.effect("a synchronous result is computed once and needs no fiber", () =>
    Effect.sync(() => {
      const flight = new SingleFlight<number, never>()
      let calls = 0
      const compute = () => Exit.succeed(++calls)
      const first = flight.runNow(compute)
      assert.isTrue(Exit.isExit(first))
      assert.strictEqual(flight.runNow(compute), first)
      assert.strictEqual(calls, 1)
    }))

  it.effect("concurrent fibers share one computation", () =>
    Effect.gen(function*() {
      const flight = new SingleFlight<string, never>()
      const gate = yield* Deferred.make<void>()
      let calls = 0
      const compute = () => Effect.as(Deferred.await(gate), `result ${++calls}`)
      const fibers = yield* Effect.forEach([1, 2, 3], () => Effect.fork(Effect.suspend(() => flight.runNow(compute))))
      yield* Effect.yieldNow()
      yield* Deferred.succeed(gate, undefined)
      const results = yield* Effect.forEach(fibers, Fiber.join)
      assert.deepStrictEqual(results, ["result 1", "result 1", "result 1"])
      assert.strictEqual(calls, 1)
    }))

  it.effect("a failure is kept: the request keeps that answer", () =>
    Effect.gen(function*() {
      const flight = new SingleFlight<number, string>()
      let calls = 0
      const compute = () => Effect.suspend(() => Effect.fail(`down ${++calls}`))
      assert.strictEqual(yield* Effect.flip(Effect.suspend(() => flight.runNow(compute))), "down 1")
      assert.strictEqual(yield* Effect.flip(Effect.suspend(() => flight.runNow(compute))), "down 1")
    }))

  it.effect("an interrupted computation leaves nothing behind: waiting and later callers compute again", () =>
    Effect.gen(function*() {
      const flight = new SingleFlight<string, never>()
      let calls = 0
      const compute = () => Effect.suspend(() => (++calls === 1 ? Effect.never : Effect.succeed(`done ${calls}`)))
      const first = yield* Effect.fork(Effect.suspend(() => flight.runNow(compute)))
      yield* Effect.yieldNow()
      const second = yield* Effect.fork(Effect.suspend(() => flight.runNow(compute)))
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(first)
      assert.strictEqual(yield* Fiber.join(second), "done 2")
      assert.strictEqual(yield* Effect.suspend(() => flight.runNow(compute)), "done 2")
    }))
})
