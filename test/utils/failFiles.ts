/**
 * The must-not-compile files of a project, compiled: what each one's marks
 * expect, what the compiler said, and what its twin (the mistake fixed) says.
 * Plain TypeScript, no test framework: both lines' type tests (test/types.test.ts
 * for Effect 3, effect4/test/types.test.ts for Effect 4) assert on it.
 *
 * A fail file marks its failing line with `// @expect-error <part of the
 * message>` on the line before. Each also carries its twin: `// @fix <code>`
 * replaces the line after it with the corrected code.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import ts from "typescript"

export interface Expectation {
  /** 0-based. */
  readonly line: number
  readonly message: string
}

export interface FailFile {
  readonly name: string
  readonly text: string
  readonly expected: ReadonlyArray<Expectation>
  readonly diagnostics: ReadonlyArray<{ readonly line: number; readonly text: string }>
  /** The twin's errors: none, when the mistake is the only one. */
  readonly twinErrors: ReadonlyArray<string>
}

// The twin of a fail file: each line after a `// @fix <code>` replaced by that code.
const twinOf = (text: string): string => {
  const lines = text.split("\n")
  return lines.map((line, i) => {
    const fix = i > 0 ? lines[i - 1]!.match(/^\s*\/\/ @fix (.+)$/) : null
    return fix ? line.match(/^\s*/)![0] + fix[1]! : line
  }).join("\n")
}

// The failing line is the next one after the comment that is not a `// @fix`.
const expectations = (text: string): ReadonlyArray<Expectation> => {
  const lines = text.split("\n")
  return lines.flatMap((line, i) => {
    const match = line.match(/\/\/ @expect-error (.+)$/)
    if (!match) return []
    let next = i + 1
    while (/^\s*\/\/ @fix /.test(lines[next] ?? "")) next++
    return [{ line: next, message: match[1]!.trim() }]
  })
}

/** Compiles every `.ts` file of `failDir` (and their twins) with the options of `tsconfig`. */
export const compile = (tsconfig: string, failDir: string): ReadonlyArray<FailFile> => {
  const config = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"))
    }
  })!
  const files = fs.readdirSync(failDir).filter((f) => f.endsWith(".ts")).map((f) => path.join(failDir, f))
  const program = ts.createProgram(files, config.options)
  const host = ts.createCompilerHost(config.options)
  const twins = ts.createProgram(files, config.options, {
    ...host,
    getSourceFile: (fileName, language, onError) =>
      files.includes(path.resolve(fileName))
        ? ts.createSourceFile(fileName, twinOf(fs.readFileSync(fileName, "utf8")), language, true)
        : host.getSourceFile(fileName, language, onError)
  })
  return files.map((file) => {
    const source = program.getSourceFile(file)!
    const twin = twins.getSourceFile(file)!
    return {
      name: path.basename(file),
      text: source.text,
      expected: expectations(source.text),
      diagnostics: ts.getPreEmitDiagnostics(program, source).map((d) => ({
        line: source.getLineAndCharacterOfPosition(d.start ?? 0).line,
        text: ts.flattenDiagnosticMessageText(d.messageText, "\n")
      })),
      twinErrors: ts.getPreEmitDiagnostics(twins, twin).map((d) =>
        `line ${twin.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` +
        ts.flattenDiagnosticMessageText(d.messageText, "\n")
      )
    }
  })
}
