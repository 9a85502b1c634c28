/**
 * The API reference is @effect/docgen's (docs/modules), which refuses an
 * export without a description or `@since`, and type-checks and runs the
 * JSDoc examples (`npm run docs`). Here: the committed reference is the one
 * the sources generate, and every public module is reachable from the root and
 * from package.json's exports.
 */
import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const root = path.resolve(import.meta.dirname, "..")
const modules = fs.readdirSync(path.join(root, "src"))
  .filter((file) => file.endsWith(".ts") && file !== "index.ts")
  .map((file) => file.slice(0, -3))

/** Modules that need an optional peer dependency (SqlStore: @effect/sql): imported by their subpath only. */
const subpathOnly = ["SqlStore"]

describe("API reference", () => {
  it("docs/modules is what the sources generate: every export described and versioned, the examples run", () => {
    // docgen reads docgen.json and package.json from its working directory: a copy of the project's, whose
    // src and node_modules are the project's, with the output elsewhere. It type-checks and runs the examples.
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "effect-login-docgen-"))
    const out = path.join(work, "out")
    try {
      const config = JSON.parse(fs.readFileSync(path.join(root, "docgen.json"), "utf8"))
      fs.copyFileSync(path.join(root, "package.json"), path.join(work, "package.json"))
      fs.writeFileSync(path.join(work, "docgen.json"), JSON.stringify({ ...config, outDir: "out" }))
      fs.symlinkSync(path.join(root, "src"), path.join(work, "src"))
      fs.symlinkSync(path.join(root, "node_modules"), path.join(work, "node_modules"))
      const bin = path.join(root, "node_modules/.bin")
      execFileSync(path.join(bin, "docgen"), {
        cwd: work,
        stdio: "pipe",
        env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` }
      })
      const generated = fs.readdirSync(path.join(out, "modules")).filter((file) => file.endsWith(".ts.md")).sort()
      assert.deepStrictEqual(generated, modules.map((name) => `${name}.ts.md`).sort())
      for (const file of generated) {
        const committed = path.join(root, "docs/modules", file)
        assert.isTrue(fs.existsSync(committed), `docs/modules/${file} is missing`)
        assert.strictEqual(
          fs.readFileSync(committed, "utf8"),
          fs.readFileSync(path.join(out, "modules", file), "utf8"),
          `docs/modules/${file} is stale`
        )
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true })
    }
  }, 120_000)

  it("the documentation's index links every module's reference", () => {
    const index = fs.readFileSync(path.join(root, "docs/README.md"), "utf8")
    for (const name of modules) assert.include(index, `(modules/${name}.ts.md)`, name)
  })

  it("every public module is exported from the root and from package.json", () => {
    const index = fs.readFileSync(path.join(root, "src/index.ts"), "utf8")
    const exportsMap = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).exports
    assert.isAbove(modules.length, 10)
    for (const name of modules) {
      if (subpathOnly.includes(name)) {
        // Its peer dependency is optional: the root must not load it.
        assert.notInclude(index, `"./${name}.js"`, name)
        assert.include(index, `effect-login/${name}`, `src/index.ts says where ${name} is`)
      } else {
        assert.include(index, `export * as ${name} from "./${name}.js"`, name)
      }
      assert.deepStrictEqual(exportsMap[`./${name}`], { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` })
    }
  })
})
