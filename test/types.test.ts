/**
 * Type tests that must fail to compile. Each file under test/types/fail marks
 * its failing line with `// @expect-error <part of the message>` on the line
 * before; the test compiles them all with the project's own compiler options
 * (test/utils/failFiles.ts) and checks that each fails there, for that reason,
 * and nowhere else.
 *
 * Each also carries its twin: `// @fix <code>` replaces the line after it with
 * the corrected code, and the file so corrected must compile with no error at
 * all. The error then comes from the mistake, and from nothing else.
 */
import { assert, describe, it } from "@effect/vitest"
import * as path from "node:path"
import { compile } from "./utils/failFiles.js"

const root = path.resolve(import.meta.dirname, "..")
const failFiles = compile(path.join(root, "tsconfig.json"), path.join(root, "test/types/fail"))

describe("must not compile", () => {
  for (const file of failFiles) {
    it(file.name, () => {
      assert.isAbove(file.expected.length, 0, "a fail file marks its failing line")
      for (const { line, message } of file.expected) {
        const here = file.diagnostics.filter((d) => d.line === line)
        assert.isAbove(here.length, 0, `no error on line ${line + 1}; errors: ${JSON.stringify(file.diagnostics)}`)
        assert.isTrue(
          here.some((d) => d.text.includes(message)),
          `expected "${message}", got:\n${here.map((d) => d.text).join("\n")}`
        )
      }
      const elsewhere = file.diagnostics.filter((d) => !file.expected.some((e) => e.line === d.line))
      assert.deepStrictEqual(elsewhere, [], "errors on unmarked lines")

      assert.match(file.text, /\/\/ @fix /, "a fail file carries its twin")
      assert.deepStrictEqual(file.twinErrors, [], "the twin, with the mistake fixed, compiles")
    })
  }
})
