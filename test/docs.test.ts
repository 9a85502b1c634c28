/**
 * Every TypeScript block in README.md and docs/ is type-checked: each one is
 * preceded by `<!-- example: <file> -->` and must appear verbatim in that
 * file, which `npm run check` compiles.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"

const root = path.resolve(import.meta.dirname, "..")
const markdown = [
  "README.md",
  ...fs.readdirSync(path.join(root, "docs"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".md"))
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
