/**
 * Every public export stays documented: a doc comment and `@since`; the API
 * reference in docs/api is the one the JSDoc generates; and every public module
 * is reachable from the root and from package.json's exports.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { readModules, render } from "../scripts/api-docs.js"

const root = path.resolve(import.meta.dirname, "..")
const modules = readModules()

/** Modules that need an optional peer dependency (SqlStore: @effect/sql): imported by their subpath only. */
const subpathOnly = ["SqlStore"]

describe("API reference", () => {
  it("every export of every public module has a doc comment and @since", () => {
    const undocumented = modules.flatMap((m) =>
      m.exports.filter((e) => e.since === undefined || e.doc.trim() === "").map((e) => `${m.name}.${e.name}`)
    )
    assert.deepStrictEqual(undocumented, [])
    assert.isAbove(modules.length, 10)
  })

  it("docs/api is up to date (run `npm run docs`)", () => {
    for (const [file, content] of render(modules)) {
      const written = path.join(root, "docs/api", file)
      assert.isTrue(fs.existsSync(written), `docs/api/${file} is missing`)
      assert.strictEqual(fs.readFileSync(written, "utf8"), content, `docs/api/${file} is stale`)
    }
  })

  it("every public module is exported from the root and from package.json", () => {
    const index = fs.readFileSync(path.join(root, "src/index.ts"), "utf8")
    const exportsMap = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).exports
    for (const { name } of modules) {
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
