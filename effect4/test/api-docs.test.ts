/**
 * The Effect 4 line's API reference is @effect/docgen's too (effect4/docs/modules, `npm run docs` here), which
 * refuses an export without a description or `@since`, and type-checks and runs the JSDoc examples. Here: the
 * committed reference is the one the sources generate, and every public module is exported from the root.
 */
import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const root = path.resolve(import.meta.dirname, "..")
const repository = path.resolve(root, "..")
const modules = fs.readdirSync(path.join(root, "src"))
  .filter((file) => file.endsWith(".ts") && file !== "index.ts")
  .map((file) => file.slice(0, -3))

describe("API reference (Effect 4)", () => {
  it(
    "effect4/docs/modules is what the sources generate: every export described and versioned, the examples run",
    () => {
      // docgen reads docgen.json and package.json from its working directory: a copy laid out as the repository
      // is (the line's sources reach the shared core at ../../src), with the output elsewhere.
      const work = fs.mkdtempSync(path.join(os.tmpdir(), "effect-login-docgen-effect4-"))
      const line = path.join(work, "effect4")
      try {
        fs.mkdirSync(line)
        const config = JSON.parse(fs.readFileSync(path.join(root, "docgen.json"), "utf8"))
        fs.copyFileSync(path.join(root, "package.json"), path.join(line, "package.json"))
        fs.writeFileSync(path.join(line, "docgen.json"), JSON.stringify({ ...config, outDir: "out" }))
        fs.symlinkSync(path.join(root, "src"), path.join(line, "src"))
        fs.symlinkSync(path.join(root, "node_modules"), path.join(line, "node_modules"))
        fs.symlinkSync(path.join(repository, "src"), path.join(work, "src"))
        const bin = path.join(repository, "node_modules/.bin")
        execFileSync(path.join(bin, "docgen"), {
          cwd: line,
          stdio: "pipe",
          env: {
            ...process.env,
            PATH: `${path.dirname(process.execPath)}${path.delimiter}${bin}${path.delimiter}${process.env.PATH}`
          }
        })
        const generated = fs.readdirSync(path.join(line, "out", "modules")).filter((file) => file.endsWith(".ts.md"))
          .sort()
        assert.deepStrictEqual(generated, modules.map((name) => `${name}.ts.md`).sort())
        for (const file of generated) {
          const committed = path.join(root, "docs/modules", file)
          assert.isTrue(fs.existsSync(committed), `effect4/docs/modules/${file} is missing`)
          assert.strictEqual(
            fs.readFileSync(committed, "utf8"),
            fs.readFileSync(path.join(line, "out", "modules", file), "utf8"),
            `effect4/docs/modules/${file} is stale: run \`npm run docs\` in effect4/`
          )
        }
      } finally {
        fs.rmSync(work, { recursive: true, force: true })
      }
    },
    180_000
  )

  it("every public module is exported from the root, and linked from the documentation's index", () => {
    const index = fs.readFileSync(path.join(root, "src/index.ts"), "utf8")
    const docs = fs.readFileSync(path.join(repository, "docs/README.md"), "utf8")
    assert.isAbove(modules.length, 10)
    for (const name of modules) {
      assert.include(index, `export * as ${name} from "./${name}.js"`, name)
      assert.include(docs, `(../effect4/docs/modules/${name}.ts.md)`, name)
    }
  })
})
