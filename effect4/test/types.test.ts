/**
 * Type tests that must fail to compile, on Effect 4: each file under
 * test/types/fail marks its failing line with `// @expect-error <part of the
 * message>` and carries its twin (`// @fix <code>`), as in the Effect 3 line;
 * the compilation is the shared test/utils/failFiles.ts of the repository.
 */
import { assert, describe, it } from "@effect/vitest"
import * as path from "node:path"
import { compile } from "../../test/utils/failFiles.js"

const root = path.resolve(import.meta.dirname, "..")
const failFiles = compile(path.join(root, "tsconfig.json"), path.join(root, "test/types/fail"))

describe("must not compile (Effect 4)", () => {
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
