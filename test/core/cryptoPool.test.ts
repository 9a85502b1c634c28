/**
 * randomToken's pool, counted: tokens are cut from a 4 KB buffer filled by one call into the CSPRNG,
 * each byte used once, and only a token larger than the pool is drawn on its own. The counts pin that
 * the pool is refilled exactly when it runs out (not before: a call per token; not after: reused bytes).
 */
import { assert, describe, it } from "@effect/vitest"
import type * as NodeCrypto from "node:crypto"
import { vi } from "vitest"
import { randomToken } from "../../src/core/crypto.js"

const calls = vi.hoisted(() => ({ randomFillSync: 0, randomBytes: 0 }))

vi.mock("node:crypto", async (importOriginal) => {
  const original = await importOriginal<typeof NodeCrypto>()
  return {
    ...original,
    randomFillSync: ((buffer: Buffer) => {
      calls.randomFillSync++
      return original.randomFillSync(buffer)
    }) as typeof original.randomFillSync,
    randomBytes: ((size: number) => {
      calls.randomBytes++
      return original.randomBytes(size)
    }) as typeof original.randomBytes
  }
})

describe.sequential("randomToken's pool", () => {
  it("128 tokens of 32 bytes cost one fill; the 129th, a second; no token repeats a byte range", () => {
    const before = { ...calls }
    const tokens = new Set<string>()
    for (let i = 0; i < 128; i++) tokens.add(randomToken(32))
    assert.strictEqual(calls.randomFillSync - before.randomFillSync, 1)
    randomToken(32)
    assert.strictEqual(calls.randomFillSync - before.randomFillSync, 2)
    assert.strictEqual(calls.randomBytes, before.randomBytes)
    assert.strictEqual(tokens.size, 128)
  })

  it("a token of exactly the pool's size comes from the pool; a larger one is drawn on its own", () => {
    const before = { ...calls }
    assert.strictEqual(Buffer.from(randomToken(4096), "base64url").length, 4096)
    assert.strictEqual(calls.randomBytes, before.randomBytes)
    assert.strictEqual(calls.randomFillSync - before.randomFillSync, 1)
    assert.strictEqual(Buffer.from(randomToken(4097), "base64url").length, 4097)
    assert.strictEqual(calls.randomBytes - before.randomBytes, 1)
    assert.strictEqual(calls.randomFillSync - before.randomFillSync, 1)
  })
})
