import { assert, describe, it } from "@effect/vitest"
import * as crypto from "node:crypto"
import * as core from "../../src/core/rememberSeries.js"

const hash = (validator: string) => crypto.createHash("sha256").update(validator).digest("base64url")

describe("rememberSeriesCore", () => {
  it("starts a series: a cookie value in the cookie format, only the validator's hash kept", () => {
    const started = core.start({ userId: "alice", stamp: "s", userAgent: "x".repeat(300) }, 1_000)
    const presented = core.parse(started.value)
    if (presented === undefined) return assert.fail("not a series cookie")
    assert.strictEqual(started.key, core.keyOf(presented.selector))
    assert.isTrue(core.isSeriesKey(started.key))
    // The user's tag ends the selector, and in braces the store key: a sharded store keeps it with the user.
    assert.match(presented.selector, /^[A-Za-z0-9_-]{22}522b$/)
    assert.strictEqual(started.key, `remember.${hash(presented.selector)}{522b}`)
    assert.deepStrictEqual(started.data, {
      remember: 1,
      validator: hash(presented.validator),
      usedAt: 1_000,
      stamp: "s",
      userAgent: "x".repeat(256)
    })
    assert.strictEqual(core.verdict(started.data, presented.validator, 1_000), "Current")
    const plain = core.start({ userId: "alice", stamp: undefined, userAgent: undefined }, 0)
    assert.deepStrictEqual(Object.keys(plain.data), ["remember", "validator", "usedAt"])
  })

  it("reads a series cookie with or without its user's tag, and nothing else", () => {
    const validator = "v".repeat(43)
    const untagged = core.parse(`${"s".repeat(22)}.${validator}`)!
    assert.deepStrictEqual(untagged, { selector: "s".repeat(22), validator })
    assert.strictEqual(core.keyOf(untagged.selector), `remember.${hash("s".repeat(22))}`, "a 0.1 series keeps its key")
    assert.strictEqual(core.parse(`${"s".repeat(22)}522b.${validator}`)!.selector, `${"s".repeat(22)}522b`)
    for (
      const bad of [
        `${"s".repeat(22)}522B.${validator}`,
        `${"s".repeat(22)}522.${validator}`,
        `${"s".repeat(22)}522bb.${validator}`,
        `${"s".repeat(21)}.${validator}`
      ]
    ) assert.isUndefined(core.parse(bad), bad)
  })

  it("rotates: a new validator, the old one in its grace, the selector kept", () => {
    const started = core.start({ userId: "alice", stamp: undefined, userAgent: undefined }, 0)
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
    const started = core.start({ userId: "alice", stamp: undefined, userAgent: undefined }, 0)
    const presented = core.parse(started.value)!
    const other =
      core.parse(core.start({ userId: "alice", stamp: undefined, userAgent: undefined }, 0).value)!.validator
    assert.strictEqual(core.verdict(started.data, other, 0), "Reused")
    assert.strictEqual(core.verdict(started.data, other, 1), "Reused")
    const rotated = core.rotate(started.data, presented, 5_000)
    assert.strictEqual(core.verdict(rotated.data, other, 5_000), "Reused")
    assert.strictEqual(core.verdict(rotated.data, other, 5_001), "Reused")
  })
})
