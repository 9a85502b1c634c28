import { assert, describe, it } from "@effect/vitest"
import * as crypto from "node:crypto"
import * as core from "../../src/core/rememberSeries.js"

const hash = (validator: string) => crypto.createHash("sha256").update(validator).digest("base64url")

describe("rememberSeriesCore", () => {
  it("starts a series: a cookie value in the cookie format, only the validator's hash kept", () => {
    const started = core.start({ stamp: "s", userAgent: "x".repeat(300) }, 1_000)
    const presented = core.parse(started.value)
    if (presented === undefined) return assert.fail("not a series cookie")
    assert.strictEqual(started.key, core.keyOf(presented.selector))
    assert.isTrue(core.isSeriesKey(started.key))
    assert.deepStrictEqual(started.data, {
      remember: 1,
      validator: hash(presented.validator),
      usedAt: 1_000,
      stamp: "s",
      userAgent: "x".repeat(256)
    })
    assert.strictEqual(core.verdict(started.data, presented.validator, 1_000), "Current")
    const plain = core.start({ stamp: undefined, userAgent: undefined }, 0)
    assert.deepStrictEqual(Object.keys(plain.data), ["remember", "validator", "usedAt"])
  })

  it("rotates: a new validator, the old one in its grace, the selector kept", () => {
    const started = core.start({ stamp: undefined, userAgent: undefined }, 0)
    const presented = core.parse(started.value)!
    const rotated = core.rotate(started.data, presented, 5_000)
    const next = core.parse(rotated.value)!
    assert.strictEqual(next.selector, presented.selector)
    assert.notStrictEqual(next.validator, presented.validator)
    assert.strictEqual(rotated.data.previous, started.data.validator)
    assert.strictEqual(rotated.data.usedAt, 5_000)
    assert.strictEqual(core.verdict(rotated.data, next.validator, 5_000), "Current")
    assert.strictEqual(core.verdict(rotated.data, presented.validator, 5_000 + core.graceMillis - 1), "Grace")
    assert.strictEqual(core.verdict(rotated.data, presented.validator, 5_000 + core.graceMillis), "Reused")
  })

  it("any other validator is a copied cookie: in the grace window too, and for a series never rotated", () => {
    const started = core.start({ stamp: undefined, userAgent: undefined }, 0)
    const presented = core.parse(started.value)!
    const other = core.parse(core.start({ stamp: undefined, userAgent: undefined }, 0).value)!.validator
    assert.strictEqual(core.verdict(started.data, other, 0), "Reused")
    assert.strictEqual(core.verdict(started.data, other, 1), "Reused")
    const rotated = core.rotate(started.data, presented, 5_000)
    assert.strictEqual(core.verdict(rotated.data, other, 5_000), "Reused")
    assert.strictEqual(core.verdict(rotated.data, other, 5_001), "Reused")
  })
})
