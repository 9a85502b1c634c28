/**
 * examples/recipes/passwords.ts: scrypt hashes with their parameters, constant-time checks, and unknown
 * users that cost as much as wrong passwords.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { checkCredentials, hashPassword, verifyPassword } from "../../examples/recipes/passwords.js"

// A lower cost than the recipe's default (2^17), to keep the suite quick; one case uses the default.
const cheap = { N: 2 ** 12, r: 8, p: 1 }

describe("recipe: passwords", () => {
  it.effect("a hash verifies its password and nothing else", () =>
    Effect.gen(function*() {
      const stored = yield* hashPassword("correct horse", cheap)
      assert.match(stored, /^scrypt\$4096\$8\$1\$[\w-]{22}\$[\w-]{43}$/)
      assert.isTrue(yield* verifyPassword("correct horse", stored))
      assert.isFalse(yield* verifyPassword("correct horse ", stored))
      assert.isFalse(yield* verifyPassword("", stored))
    }))

  it.effect("each hash has its own salt", () =>
    Effect.gen(function*() {
      const [a, b] = yield* Effect.all([hashPassword("same", cheap), hashPassword("same", cheap)])
      assert.notStrictEqual(a, b)
      assert.isTrue(yield* verifyPassword("same", b))
    }))

  it.effect("passwords are compared in Unicode normal form (NFKC)", () =>
    Effect.gen(function*() {
      const stored = yield* hashPassword("Ångström", cheap)
      assert.isTrue(yield* verifyPassword("A\u030Angstro\u0308m", stored))
    }))

  it.effect("a malformed or foreign stored hash is false, never a defect", () =>
    Effect.gen(function*() {
      for (
        const stored of [
          "",
          "plaintext",
          "bcrypt$10$abc",
          "scrypt$x$8$1$c2FsdA$aGFzaA",
          "scrypt$4096$8$1$c2FsdA$dG9vLXNob3J0",
          "scrypt$3$8$1$c2FsdHNhbHRzYWx0c2FsdA$" + "A".repeat(43),
          // A tampered row asking for 2^30 × 8 × 128 bytes (1 TiB) per login.
          "scrypt$1073741824$8$1$c2FsdHNhbHRzYWx0c2FsdA$" + "A".repeat(43)
        ]
      ) {
        assert.isFalse(yield* verifyPassword("x", stored), stored)
      }
    }))

  it.effect("checkCredentials: the user for the right password; undefined for a wrong one or an unknown user", () =>
    Effect.gen(function*() {
      const ada = { id: "1", passwordHash: yield* hashPassword("ada-pw", cheap) }
      assert.strictEqual(yield* checkCredentials(ada, "ada-pw"), ada)
      assert.isUndefined(yield* checkCredentials(ada, "wrong"))
      assert.isUndefined(yield* checkCredentials(undefined, "no user has this password"))
    }))

  it.effect("the default cost is OWASP's minimum for scrypt, and the quickstart's demo hash verifies", () =>
    Effect.gen(function*() {
      const stored = yield* hashPassword("testpass")
      assert.match(stored, /^scrypt\$131072\$8\$1\$/)
      assert.isTrue(
        yield* verifyPassword(
          "testpass",
          "scrypt$131072$8$1$sfkMNEG0qc4neBROLfVo8w$8uG2IJpeiDdmqtsgFbZsmapiodNc1dBa8fzS4y3c2gU"
        )
      )
    }))
})
