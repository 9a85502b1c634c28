/**
 * Type tests that must fail to compile. Each file under test/types/fail marks
 * its failing line with `// @expect-error <part of the message>` on the line
 * before; the test compiles them all with the project's own compiler options
 * and checks that each fails there, for that reason, and nowhere else.
 *
 * Each also carries its twin: `// @fix <code>` replaces the line after it with
 * the corrected code, and the file so corrected must compile with no error at
 * all. The error then comes from the mistake, and from nothing else.
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

// The twin of a fail file: each line after a `// @fix <code>` replaced by that code.
const twinOf = (text: string): string => {
  const lines = text.split("\n")
  return lines.map((line, i) => {
    const fix = i > 0 ? lines[i - 1]!.match(/^\s*\/\/ @fix (.+)$/) : null
    return fix ? line.match(/^\s*/)![0] + fix[1]! : line
  }).join("\n")
}
const host = ts.createCompilerHost(config.options)
const twins = ts.createProgram(files, config.options, {
  ...host,
  getSourceFile: (fileName, language, onError) =>
    files.includes(path.resolve(fileName))
      ? ts.createSourceFile(fileName, twinOf(fs.readFileSync(fileName, "utf8")), language, true)
      : host.getSourceFile(fileName, language, onError)
})

interface Expectation {
  readonly line: number
  readonly message: string
}

// The failing line is the next one after the comment that is not a `// @fix`.
const expectations = (source: ts.SourceFile): ReadonlyArray<Expectation> => {
  const lines = source.text.split("\n")
  return lines.flatMap((text, i) => {
    const match = text.match(/\/\/ @expect-error (.+)$/)
    if (!match) return []
    let line = i + 1
    while (/^\s*\/\/ @fix /.test(lines[line] ?? "")) line++
    return [{ line, message: match[1]!.trim() }]
  })
}

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

      assert.match(source.text, /\/\/ @fix /, "a fail file carries its twin")
      const twin = twins.getSourceFile(file)!
      const twinErrors = ts.getPreEmitDiagnostics(twins, twin).map((d) =>
        `line ${twin.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` +
        ts.flattenDiagnosticMessageText(d.messageText, "\n")
      )
      assert.deepStrictEqual(twinErrors, [], "the twin, with the mistake fixed, compiles")
    })
  }
})
