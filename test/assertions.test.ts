/**
 * The assertions the suite uses on Effect's data types can fail (lint forbids
 * the ones that cannot: see eslint.config.mjs).
 */
import { assert, describe, it } from "@effect/vitest"
import { assertLeft, assertNone, assertRight, assertSome } from "@effect/vitest/utils"
import { Either, Option } from "effect"

describe("assertions on Option and Either", () => {
  it("tell None from Some, and one Some from another", () => {
    assert.throws(() => assertNone(Option.some(1)))
    assert.throws(() => assertSome(Option.none(), 1))
    assert.throws(() => assertSome(Option.some(1), 2))
    assertSome(Option.some({ a: [1] }), { a: [1] })
    assertNone(Option.none())
  })

  it("tell Left from Right, and one value from another", () => {
    assert.throws(() => assertRight(Either.left(1), 1))
    assert.throws(() => assertLeft(Either.right(1), 1))
    assert.throws(() => assertRight(Either.right(1), 2))
    assertRight(Either.right({ a: 1 }), { a: 1 })
  })

  it("why: chai's deep equality takes None for Some (the lint rule forbids it on these types)", () => {
    const none: Option.Option<number> = Option.none()
    // eslint-disable-next-line no-restricted-syntax
    assert.doesNotThrow(() => assert.deepStrictEqual(none, Option.some(1)))
  })
})
