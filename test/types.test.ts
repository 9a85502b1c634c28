/**
 * Type tests that must fail to compile. Each file under test/types/fail marks
 * its failing line with `// @expect-error <part of the message>` on the line
 * before; the test compiles them all with the project's own compiler options
 * and checks that each fails there, for that reason, and nowhere else.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import ts from "typescript"

const root = path.resolve(import.meta.dirname, "..")
const failDir = path.join(root, "test/types/fail")
const config = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"))
  }
})!
const files = fs.readdirSync(failDir).filter((f) => f.endsWith(".ts")).map((f) => path.join(failDir, f))
const program = ts.createProgram(files, config.options)

interface Expectation {
  readonly line: number
  readonly message: string
}

const expectations = (source: ts.SourceFile): ReadonlyArray<Expectation> =>
  source.text.split("\n").flatMap((text, i) => {
    const match = text.match(/\/\/ @expect-error (.+)$/)
    return match ? [{ line: i + 1, message: match[1]!.trim() }] : []
  })

describe("must not compile", () => {
  for (const file of files) {
    it(path.basename(file), () => {
      const source = program.getSourceFile(file)!
      const diagnostics = ts.getPreEmitDiagnostics(program, source).map((d) => ({
        line: source.getLineAndCharacterOfPosition(d.start ?? 0).line,
        text: ts.flattenDiagnosticMessageText(d.messageText, "\n")
      }))
      const expected = expectations(source)
      assert.isAbove(expected.length, 0, "a fail file marks its failing line")
      for (const { line, message } of expected) {
        const here = diagnostics.filter((d) => d.line === line)
        assert.isAbove(here.length, 0, `no error on line ${line + 1}; errors: ${JSON.stringify(diagnostics)}`)
        assert.isTrue(
          here.some((d) => d.text.includes(message)),
          `expected "${message}", got:\n${here.map((d) => d.text).join("\n")}`
        )
      }
      const elsewhere = diagnostics.filter((d) => !expected.some((e) => e.line === d.line))
      assert.deepStrictEqual(elsewhere, [], "errors on unmarked lines")
    })
  }
})
