/**
 * The Effect 4 package as someone else gets it: `npm run build` and
 * `npm pack`, installed with its peer dependency and Node's platform into a
 * project outside the repository (from the npm cache, offline where it can),
 * type-checked and run there (on this package's Node 22) through its
 * published entry points only. publint and arethetypeswrong check the packed
 * package. The twin of the Effect 3 line's test/package/consumer.test.ts.
 *
 * The tarball holds dist/effect4/src (this line's modules) and dist/src (the
 * shared core, compiled with them); only the former is exported.
 */
import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const root = path.resolve(import.meta.dirname, "../..")
const repository = path.resolve(root, "..")
const tsc = path.join(root, "node_modules/typescript/bin/tsc")
const bin = (name: string) => path.join(repository, "node_modules/.bin", name)
const versionOf = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")).version as string

/** The public modules: every file of src but the index (the internal ones are under src/internal). */
const modules = fs.readdirSync(path.join(root, "src"))
  .filter((file) => file.endsWith(".ts") && file !== "index.ts")
  .map((file) => file.slice(0, -3))

const run = (command: string, args: ReadonlyArray<string>, cwd: string) => {
  try {
    return { ok: true, output: execFileSync(command, args, { cwd, encoding: "utf8", stdio: "pipe" }) }
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string }
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` }
  }
}

describe("the published Effect 4 package", () => {
  it("builds, packs, installs outside the repository, type-checks, runs, and refuses the unprotected handler", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "effect-login-effect4-consumer-"))
    try {
      const built = run("npm", ["run", "build", "--silent"], root)
      assert.isTrue(built.ok, built.output)
      const packed = run("npm", ["pack", "--silent", "--pack-destination", work], root)
      assert.isTrue(packed.ok, packed.output)
      const tarball = path.join(work, packed.output.trim().split("\n").pop()!)

      const lint = run(bin("publint"), ["--strict", tarball], root)
      assert.isTrue(lint.ok, lint.output)
      const types = run(bin("attw"), [tarball, "--profile", "esm-only"], root)
      assert.isTrue(types.ok, types.output)

      const project = path.join(work, "app")
      fs.mkdirSync(project)
      for (const file of ["app.ts", "bad.ts", "tsconfig.json"]) {
        fs.copyFileSync(path.join(import.meta.dirname, "consumer", file), path.join(project, file))
      }
      // attw does not look behind the `./*` export: every public module, by its own name, in a file of its own.
      fs.writeFileSync(
        path.join(project, "modules.ts"),
        [
          ...modules.map((name) => `import * as ${name} from "@effect-login/effect4/${name}"`),
          `import * as Root from "@effect-login/effect4"`,
          `export const loaded = { ${[...modules, "Root"].join(", ")} }`,
          ""
        ].join("\n")
      )
      const dependencies = Object.fromEntries(
        ["effect", "@effect/platform-node", "@types/node"].map((name) => [name, versionOf(name)])
      )
      fs.writeFileSync(
        path.join(project, "package.json"),
        JSON.stringify({
          type: "module",
          private: true,
          dependencies: { ...dependencies, "@effect-login/effect4": `file:${tarball}` }
        })
      )
      const installed = run(
        "npm",
        ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
        project
      )
      assert.isTrue(installed.ok, installed.output)
      const installedPackage = path.join(project, "node_modules/@effect-login/effect4")
      // Only what was published is there: the compiled modules and the shared core, no sources, no tests.
      assert.deepStrictEqual(fs.readdirSync(installedPackage).sort(), ["LICENSE", "README.md", "dist", "package.json"])
      assert.deepStrictEqual(fs.readdirSync(path.join(installedPackage, "dist")).sort(), ["effect4", "src"])
      assert.isTrue(fs.existsSync(path.join(installedPackage, "dist/src/core/signer.js")), "the shared core")

      // One compilation of all the files: app.ts and modules.ts are clean, bad.ts fails for the one reason.
      // Without skipLibCheck: the published declarations (this line's and the shared core's) compile too.
      const checked = run(process.execPath, [tsc, "-p", "tsconfig.json"], project)
      assert.isFalse(checked.ok)
      assert.notInclude(checked.output, "app.ts(", checked.output)
      assert.notInclude(checked.output, "modules.ts(", checked.output)
      // First at the router, with the fix in the message (a published type, so TypeScript resolves it from
      // dist/). In a pipe, the failed call makes the rest of the wiring fail too, after it.
      const firstError = checked.output.match(/^bad\.ts\(.*$/m)?.[0]
      assert.match(firstError ?? "", /^bad\.ts\(21,3\): error TS2322/, checked.output)
      assert.include(
        checked.output,
        "effect-login: a route needs AuthenticatedUser or FreshUser: wrap it (or its router) in loginRequired or freshLoginRequired"
      )

      const ran = run(process.execPath, ["out/app.js"], project)
      assert.isTrue(ran.ok, ran.output)
      assert.deepStrictEqual(JSON.parse(ran.output.trim()), { refused: 401, login: 303, protected: 200, name: "Notch" })

      // Every public module loads by its name on Node; the internal modules and the shared core do not.
      const loaded = run(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `import("./out/modules.js").then((m) => console.log(Object.keys(m.loaded).length))`
        ],
        project
      )
      assert.isTrue(loaded.ok, loaded.output)
      assert.strictEqual(loaded.output.trim(), String(modules.length + 1))
      // (The `./*` export maps a deep path into dist/effect4/src, where nothing is found.)
      for (
        const [specifier, code] of [
          ["@effect-login/effect4/internal/sessionService", "ERR_PACKAGE_PATH_NOT_EXPORTED"],
          ["@effect-login/effect4/dist/src/core/signer.js", "ERR_MODULE_NOT_FOUND"],
          ["@effect-login/effect4/dist/effect4/src/index.js", "ERR_MODULE_NOT_FOUND"]
        ] as const
      ) {
        const refused = run(process.execPath, [
          "--input-type=module",
          "-e",
          `await import(${JSON.stringify(specifier)})`
        ], project)
        assert.isFalse(refused.ok, specifier)
        assert.include(refused.output, code, specifier)
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true })
    }
  }, 300_000)
})
