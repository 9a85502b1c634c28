/**
 * The examples in the JSDoc of the Effect 4 line compile, with the line's own compiler options: the API
 * reference shows them, so they must be Effect 4 code (the Effect 3 line's test/docs.test.ts does the same).
 */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import ts from "typescript"

const root = path.resolve(import.meta.dirname, "..")

describe("examples in the JSDoc (Effect 4)", () => {
  it("compile", () => {
    const dir = path.join(root, "node_modules/.cache/jsdoc-examples")
    fs.rmSync(dir, { recursive: true, force: true })
    fs.mkdirSync(dir, { recursive: true })
    const files: Array<string> = []
    for (const file of fs.readdirSync(path.join(root, "src")).filter((f) => f.endsWith(".ts"))) {
      const text = fs.readFileSync(path.join(root, "src", file), "utf8")
      for (const [i, match] of [...text.matchAll(/^ \* ```ts\n((?:^ \*.*\n)*?)^ \* ```$/gm)].entries()) {
        const code = match[1]!.split("\n").map((line) => line.replace(/^ \* ?/, "")).join("\n")
        // `@effect/platform` is the Effect 3 line's: it would resolve to the repository root's copy here.
        assert.notMatch(code, /from "@effect\/platform"|from "effect-login/, `${file}: an Effect 3 import`)
        const out = path.join(dir, `${file.slice(0, -3)}-${i}.ts`)
        fs.writeFileSync(out, code)
        files.push(out)
      }
    }
    assert.isAbove(files.length, 4)
    const config = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => undefined
    })!
    const program = ts.createProgram(files, { ...config.options, noUnusedLocals: false })
    const errors = ts.getPreEmitDiagnostics(program).map((d) =>
      `${path.basename(d.file?.fileName ?? "")}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
    )
    assert.deepStrictEqual(errors, [])
  })
})
