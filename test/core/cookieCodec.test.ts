import { assert, describe, it } from "@effect/vitest"
import * as codec from "../../src/core/cookieCodec.js"
import * as signers from "../../src/core/signer.js"

const signer = signers.hmac(["k".repeat(32), "old".repeat(11)], "test")
const old = signers.hmac(["old".repeat(11)], "test")
const parse = (payload: string) => payload.startsWith("n:") ? Number(payload.slice(2)) : undefined

describe("cookieCodecCore", () => {
  it("refuses in order: oversized, bad signature, invalid payload, expired", () => {
    const value = signer.sign("n:5")
    assert.deepStrictEqual(codec.open(signer, value, value.length - 1, parse, () => false), {
      _tag: "Refused",
      reason: "Oversized"
    })
    assert.deepStrictEqual(codec.open(signer, `${value}x`, 4096, parse, () => false), {
      _tag: "Refused",
      reason: "BadSignature"
    })
    assert.deepStrictEqual(codec.open(signer, signer.sign("junk"), 4096, parse, () => false), {
      _tag: "Refused",
      reason: "InvalidPayload"
    })
    assert.deepStrictEqual(codec.open(signer, value, 4096, parse, (n) => n < 10), {
      _tag: "Refused",
      reason: "Expired"
    })
  })

  it("opens a value, stale when signed under a previous secret", () => {
    assert.deepStrictEqual(codec.open(signer, signer.sign("n:5"), 4096, parse, () => false), {
      _tag: "Opened",
      value: 5,
      stale: false
    })
    assert.deepStrictEqual(codec.open(signer, old.sign("n:7"), 4096, parse, () => false), {
      _tag: "Opened",
      value: 7,
      stale: true
    })
  })

  it("a value of exactly maxBytes opens; one byte more is oversized", () => {
    const value = signer.sign("n:5")
    assert.strictEqual(codec.open(signer, value, value.length, parse, () => false)._tag, "Opened")
    assert.deepStrictEqual(codec.open(signer, value, value.length - 1, parse, () => false), {
      _tag: "Refused",
      reason: "Oversized"
    })
  })
})
