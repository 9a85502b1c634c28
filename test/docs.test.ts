/**
 * Every TypeScript block in the docs is type-checked. In README.md and the
 * guide, each one is preceded by `<!-- example: <file> -->` and must appear
 * verbatim in that file, which `npm run check` compiles. The examples in the
 * JSDoc (which the API reference in docs/modules shows) are compiled here
 * with the project's options; docgen type-checks and runs them as well
 * (test/api-docs.test.ts), and writes the reference's signature blocks.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import ts from "typescript"

const root = path.resolve(import.meta.dirname, "..")
const markdown = [
  "README.md",
  ...fs.readdirSync(path.join(root, "docs"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".md") && !file.startsWith("modules"))
    .map((file) => path.join("docs", file))
]

describe("code blocks in the docs", () => {
  for (const file of markdown) {
    it(file, () => {
      const text = fs.readFileSync(path.join(root, file), "utf8")
      const blocks = [...text.matchAll(/(?:<!-- example: (\S+) -->\n)?```(ts|typescript)\n([\s\S]*?)```/g)]
      for (const [, source, , code] of blocks) {
        assert.isDefined(source, `a ts block in ${file} names the file it is taken from`)
        const content = fs.readFileSync(path.join(root, source!), "utf8")
        assert.include(content, code!.trimEnd(), `${file}: the block is not in ${source}`)
      }
    })
  }
})

describe("examples in the JSDoc", () => {
  it("compile", () => {
    const dir = path.join(root, "node_modules/.cache/jsdoc-examples")
    fs.rmSync(dir, { recursive: true, force: true })
    fs.mkdirSync(dir, { recursive: true })
    const files: Array<string> = []
    for (const file of fs.readdirSync(path.join(root, "src")).filter((f) => f.endsWith(".ts"))) {
      const text = fs.readFileSync(path.join(root, "src", file), "utf8")
      for (const [i, match] of [...text.matchAll(/^ \* ```ts\n((?:^ \*.*\n)*?)^ \* ```$/gm)].entries()) {
        const code = match[1]!.split("\n").map((line) => line.replace(/^ \* ?/, "")).join("\n")
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
      `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
    )
    assert.deepStrictEqual(errors, [])
  })
})
