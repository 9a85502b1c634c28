import { assert, describe, it } from "@effect/vitest"
import * as crypto from "node:crypto"
import * as rememberSeries from "../../src/internal/rememberSeries.js"

const hash = (validator: string) => crypto.createHash("sha256").update(validator).digest("base64url")
const validator = (c: string) => c.repeat(43)
const series = (overrides: Partial<rememberSeries.SeriesData> = {}): rememberSeries.SeriesData => ({
  remember: 1,
  validator: hash(validator("b")),
  previous: hash(validator("a")),
  usedAt: 1_000,
  ...overrides
})

describe("rememberSeries", () => {
  it("parses only a 128-bit selector and a 256-bit validator, base64url", () => {
    const selector = "s".repeat(22)
    assert.deepStrictEqual(rememberSeries.parse(`${selector}.${validator("v")}`), {
      selector,
      validator: validator("v")
    })
    for (
      const bad of [
        "",
        selector,
        `${selector}.${"v".repeat(42)}`,
        `${selector}.${"v".repeat(44)}`,
        `${"s".repeat(21)}.${validator("v")}`,
        `${selector}.${"v".repeat(42)}=`,
        `${selector}.${"v".repeat(42)}/`,
        `${selector}.${validator("v")}.x`,
        ` ${selector}.${validator("v")}`
      ]
    ) assert.isUndefined(rememberSeries.parse(bad), JSON.stringify(bad))
  })

  it("judges a presented validator: current, the previous one within the grace, else reused", () => {
    const grace = rememberSeries.graceMillis
    assert.strictEqual(rememberSeries.verdict(series(), validator("b"), 1_000_000_000), "Current")
    assert.strictEqual(rememberSeries.verdict(series(), validator("a"), 1_000), "Grace")
    assert.strictEqual(rememberSeries.verdict(series(), validator("a"), 1_000 + grace - 1), "Grace")
    assert.strictEqual(rememberSeries.verdict(series(), validator("a"), 1_000 + grace), "Reused")
    assert.strictEqual(rememberSeries.verdict(series(), validator("c"), 1_000), "Reused")
    const { previous: _, ...fresh } = series()
    assert.strictEqual(rememberSeries.verdict(fresh, validator("a"), 1_000), "Reused")
  })

  it("keys a series by its selector's hash, apart from every session key", () => {
    const key = rememberSeries.keyOf("s".repeat(22))
    assert.isTrue(rememberSeries.isSeriesKey(key))
    assert.notInclude(key, "s".repeat(22))
    // A session's key is the base64url SHA-256 of its id: 43 characters, never a dot.
    assert.isFalse(rememberSeries.isSeriesKey(hash("a session id")))
    assert.strictEqual(key, `remember.${hash("s".repeat(22))}`)
  })

  it("describes a series for the list of devices, and nothing else", () => {
    const record = { data: JSON.stringify(series({ userAgent: "Phone/2.0" })), version: 0, createdAt: 0, expiresAt: 1 }
    assert.deepStrictEqual(rememberSeries.describe(record), { usedAt: 1_000, userAgent: "Phone/2.0" })
    assert.isUndefined(rememberSeries.describe({ ...record, data: "{\"id\":\"x\",\"issuedAt\":0}" }))
  })
})
