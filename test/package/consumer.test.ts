/**
 * The package as someone else gets it: `npm pack`, installed with its peer
 * dependencies into a project outside the repository (from the npm cache,
 * offline where it can), type-checked and run there through its published
 * entry points only. publint and arethetypeswrong check the packed package.
 */
import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as compat from "../../scripts/compat.js"

const root = path.resolve(import.meta.dirname, "../..")
const tsc = path.join(root, "node_modules/typescript/bin/tsc")
const versionOf = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")).version as string

const run = (command: string, args: ReadonlyArray<string>, cwd: string) => {
  try {
    return { ok: true, output: execFileSync(command, args, { cwd, encoding: "utf8", stdio: "pipe" }) }
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string }
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` }
  }
}

describe("the published package", () => {
  it("packs, installs outside the repository, type-checks, runs, and refuses the unprotected handler", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "effect-login-consumer-"))
    try {
      const packed = run("npm", ["pack", "--silent", "--pack-destination", work], root)
      assert.isTrue(packed.ok, packed.output)
      const tarball = path.join(work, packed.output.trim().split("\n").pop()!)

      const lint = run("npx", ["publint", "--strict", tarball], root)
      assert.isTrue(lint.ok, lint.output)
      const types = run("npx", ["attw", tarball, "--profile", "esm-only"], root)
      assert.isTrue(types.ok, types.output)

      const project = path.join(work, "app")
      fs.mkdirSync(project)
      for (const file of ["app.ts", "bad.ts", "tsconfig.json"]) {
        fs.copyFileSync(path.join(import.meta.dirname, "consumer", file), path.join(project, file))
      }
      const dependencies = Object.fromEntries(
        ["effect", "@effect/platform", "@effect/platform-node", "@types/node"].map((name) => [name, versionOf(name)])
      )
      fs.writeFileSync(
        path.join(project, "package.json"),
        JSON.stringify({
          type: "module",
          private: true,
          dependencies: { ...dependencies, "effect-login": `file:${tarball}` }
        })
      )
      const installed = run(
        "npm",
        ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
        project
      )
      assert.isTrue(installed.ok, installed.output)
      // Only what was published is there: no sources of the tests, no internal entry point.
      assert.isFalse(fs.existsSync(path.join(project, "node_modules/effect-login/test")))

      // One compilation of both files: app.ts is clean, bad.ts fails for the one reason.
      const checked = run(process.execPath, [tsc, "-p", "tsconfig.json"], project)
      assert.isFalse(checked.ok)
      assert.notInclude(checked.output, "app.ts(", checked.output)
      // First at the router, with the fix in the message (a published type, so TypeScript resolves it from
      // dist/). In a pipe, the failed call makes the rest of the wiring fail too, after it.
      const firstError = checked.output.match(/^bad\.ts\(.*$/m)?.[0]
      assert.match(firstError ?? "", /^bad\.ts\(16,3\): error TS2345/, checked.output)
      assert.include(checked.output, "effect-login: a route needs AuthenticatedUser or FreshUser: wrap it")

      const ran = run(process.execPath, ["out/app.js"], project)
      assert.isTrue(ran.ok, ran.output)
      assert.deepStrictEqual(JSON.parse(ran.output.trim()), { refused: 401, login: 303, protected: 200, name: "Notch" })
    } finally {
      fs.rmSync(work, { recursive: true, force: true })
    }
  }, 300_000)

  // The quick part of `npm run compat` (scripts/compat.ts): a runtime beside the installed one, and the newest
  // TypeScript without skipLibCheck (which found a published type pointing into a stripped internal module).
  it("runs on Node 20 and 22 over real HTTP, and type-checks with TypeScript 7 without skipLibCheck", async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "effect-login-compat-"))
    const tools = path.join(work, "tools")
    fs.mkdirSync(tools)
    fs.writeFileSync(path.join(tools, "package.json"), JSON.stringify({ private: true }))
    try {
      const { project } = await compat.prepare(work, { typescript: ["7"] })
      const rows = [...await compat.runtimeRows(project, tools, true), ...await compat.typescriptRows(project, ["7"])]
      assert.deepStrictEqual(
        rows.map((row) => [row.name, row.ok, row.why]),
        [
          [`Node ${process.versions.node.split(".")[0]} (installed)`, true, undefined],
          ["Node 22", true, undefined],
          [rows[2]!.name, true, undefined]
        ]
      )
      assert.match(rows[2]!.name, /^TypeScript 7\./)
    } finally {
      fs.rmSync(work, { recursive: true, force: true })
    }
  }, 300_000)
})
