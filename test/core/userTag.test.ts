import { assert, describe, it } from "@effect/vitest"
import * as userTag from "../../src/core/userTag.js"

describe("userTag", () => {
  it("is the first 4 hex digits of the user id's SHA-1, of its UTF-8 bytes (as redis.sha1hex computes it)", () => {
    // printf 'alice' | sha1sum: 522b276a356bdf39013dfabea2cd43e141ecc9e8
    assert.strictEqual(userTag.of("alice"), "522b")
    // printf 'Zoë' | sha1sum (UTF-8): the bytes Redis sees in a script's argument
    assert.strictEqual(userTag.of("Zoë"), "4771")
    assert.strictEqual(userTag.of(""), "da39")
  })

  it("reads an id's tag by its length, and puts it in braces at the end of a store key", () => {
    assert.strictEqual(userTag.ofId("x".repeat(43) + "522b", 43), "522b")
    assert.isUndefined(userTag.ofId("x".repeat(43), 43))
    assert.isUndefined(userTag.ofId("x".repeat(46), 43))
    assert.strictEqual(userTag.keySuffix("522b"), "{522b}")
    assert.strictEqual(userTag.keySuffix(undefined), "")
  })
})
