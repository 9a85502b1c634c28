import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"

// The modules that both lines (Effect 3 here, Effect 4 under effect4/) compile: src/core/ (plain TypeScript
// over plain data, with no import of Effect) and the public SafeRedirect, so that one core serves both.
const root = path.resolve(import.meta.dirname, "../..")
const sharedCore = [
  "src/SafeRedirect.ts",
  ...fs.readdirSync(path.join(root, "src/core")).filter((file) => file.endsWith(".ts")).map((file) =>
    `src/core/${file}`
  )
]

const importsOf = (file: string): Array<string> =>
  Array.from(
    fs.readFileSync(path.join(root, file), "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .matchAll(/^(?:import|export)\b[^"]*? from "([^"]+)"/gm),
    (match) => match[1]!
  )
const sourcesUnder = (dir: string): Array<string> =>
  fs.readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => path.join(dir, file))

describe("the shared core", () => {
  it("imports nothing but Node's built-ins and itself", () => {
    for (const file of sharedCore) {
      for (const specifier of importsOf(file)) {
        const local = specifier.startsWith(".") &&
          sharedCore.includes(path.join(path.dirname(file), specifier).replace(/\.js$/, ".ts"))
        assert.isTrue(local || specifier.startsWith("node:"), `${file} imports ${specifier}`)
      }
    }
  })

  it("is all the Effect 4 line takes from the Effect 3 sources", () => {
    const fromEffect3 = sourcesUnder("effect4/src").flatMap((file) =>
      importsOf(file)
        .filter((specifier) =>
          specifier.startsWith("../") && path.join(path.dirname(file), specifier).startsWith("src/")
        )
        .map((specifier) => path.join(path.dirname(file), specifier).replace(/\.js$/, ".ts"))
    )
    assert.isAbove(fromEffect3.length, 0)
    for (const file of fromEffect3) assert.include(sharedCore, file)
  })
})
