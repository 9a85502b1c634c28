/**
 * Where effect-login runs, measured: packs the library, installs it with its
 * peers into a fresh project outside the repository, and for each runtime it
 * can get from the npm registry (Node 20 as installed, Node 22 and 24, Bun,
 * Deno) measures the cold import of `effect-login` and runs a smoke app over
 * real HTTP (test/compat/smoke.mjs); then type-checks an app against the
 * packed `.d.ts` with each TypeScript version, `require`s the package from
 * CommonJS, and bundles it with esbuild. Writes docs/compatibility.md.
 *
 *     npm run compat              # the whole matrix (a few minutes, downloads runtimes)
 *     npm run compat -- --quick   # Node 20 and 22, TypeScript 7: what CI runs (test/compat.test.ts)
 */
import { execFile, execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"

const root = path.resolve(import.meta.dirname, "..")

export interface Row {
  readonly name: string
  readonly ok: boolean
  readonly cells: ReadonlyArray<string>
  /** Why it failed, in one line. */
  readonly why?: string | undefined
}

// Asynchronous, so that a test runner calling these functions keeps its event loop (and its RPC) alive.
const run = (
  command: string,
  args: ReadonlyArray<string>,
  cwd: string,
  timeout = 300_000
): Promise<{ readonly ok: boolean; readonly output: string; readonly millis: number }> => {
  const started = performance.now()
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, encoding: "utf8", timeout, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve(
          error === null
            ? { ok: true, output: stdout, millis: performance.now() - started }
            : { ok: false, output: `${stdout}${stderr}${error.message}`, millis: 0 }
        )
    )
  })
}

const firstLine = (text: string) =>
  text.split("\n").map((line) => line.trim()).find((line) => line !== "" && !line.startsWith("at ")) ?? "failed"

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const versionOf = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")).version as string

const kib = (dir: string) => Number(execFileSync("du", ["-sk", dir], { encoding: "utf8" }).split("\t")[0])

/** The packed library installed with its peers (and the toolchains to try) in a fresh project. */
export const prepare = async (
  work: string,
  options: { readonly typescript: ReadonlyArray<string>; readonly bun?: boolean | undefined }
) => {
  const packed = await run("npm", ["pack", "--silent", "--pack-destination", work], root)
  if (!packed.ok) throw new Error(`npm pack failed: ${packed.output}`)
  const tarball = path.join(work, packed.output.trim().split("\n").pop()!)
  const project = path.join(work, "app")
  fs.mkdirSync(project)
  for (const file of ["smoke.mjs"]) fs.copyFileSync(path.join(root, "test/compat", file), path.join(project, file))
  fs.copyFileSync(path.join(root, "test/package/consumer/app.ts"), path.join(project, "app.ts"))
  fs.writeFileSync(
    path.join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        lib: ["ES2022", "DOM"],
        types: ["node"],
        strict: true,
        noEmit: true
      },
      files: ["app.ts"]
    })
  )
  fs.writeFileSync(
    path.join(project, "import.mjs"),
    `const started = performance.now()\nawait import("effect-login")\nconsole.log(performance.now() - started)\n`
  )
  const peers = ["effect", "@effect/platform", "@effect/platform-node"]
  // Without skipLibCheck, @effect/platform-node's declarations need @types/ws: an app has to add it too.
  const types = ["@types/node", "@types/ws"]
  const dependencies = Object.fromEntries([...peers, ...types].map((name) => [name, versionOf(name)]))
  const typescript = Object.fromEntries(
    options.typescript.map((version) => [`ts-${version}`, `npm:typescript@${version}`])
  )
  // Bun's own platform package, for the smoke run on Bun (it brings @effect/cluster, rpc and sql as peers).
  const bun = options.bun === true ? { "@effect/platform-bun": "0.91.2" } : {}
  fs.writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({
      type: "module",
      private: true,
      dependencies: { ...dependencies, ...typescript, ...bun, "effect-login": `file:${tarball}` }
    })
  )
  const installed = await run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
    project
  )
  if (!installed.ok) throw new Error(`npm install failed: ${installed.output}`)
  return {
    project,
    installMillis: installed.millis,
    packageKib: kib(path.join(project, "node_modules/effect-login")),
    withPeersKib: peers.concat("effect-login").reduce(
      (sum, name) => sum + kib(path.join(project, "node_modules", name)),
      0
    )
  }
}

interface Runtime {
  readonly name: string
  /** The command that runs a JavaScript file; `undefined` with why when it cannot be had here. */
  readonly resolve: (
    tools: string
  ) => Promise<{ readonly command: ReadonlyArray<string> } | { readonly why: string }>
}

const nodeFromNpm = (major: number): Runtime => ({
  name: `Node ${major}`,
  resolve: async (tools) => {
    const found = await run("npx", ["-y", `node@${major}`, "-p", "process.execPath"], tools)
    return found.ok ? { command: [found.output.trim()] } : { why: `npx node@${major}: ${firstLine(found.output)}` }
  }
})

/** A runtime whose npm package ships its binary (`binaries`: where it may be, under node_modules). */
const fromPackage = (
  name: string,
  pkg: string,
  binaries: ReadonlyArray<string>,
  args: ReadonlyArray<string>
): Runtime => ({
  name,
  resolve: async (tools) => {
    const installed = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", pkg], tools)
    const found = binaries.map((file) => path.join(tools, "node_modules", file)).find((file) => fs.existsSync(file))
    return installed.ok && found !== undefined
      ? { command: [found, ...args] }
      : { why: `npm install ${pkg}: ${installed.ok ? "no binary for this platform" : firstLine(installed.output)}` }
  }
})

const runtimes = (quick: boolean): ReadonlyArray<Runtime> => [
  {
    name: `Node ${process.versions.node.split(".")[0]} (installed)`,
    resolve: async () => ({ command: [process.execPath] })
  },
  nodeFromNpm(22),
  ...(quick ? [] : [
    nodeFromNpm(24),
    fromPackage("Bun", "bun", ["bun/bin/bun.exe", "@oven/bun-linux-x64/bin/bun"], []),
    fromPackage("Deno", "deno", ["@deno/linux-x64-glibc/deno", "@deno/linux-arm64-glibc/deno"], ["run", "-A"])
  ])
]

/** Import time and the smoke run, on every runtime. */
export const runtimeRows = async (project: string, tools: string, quick: boolean): Promise<ReadonlyArray<Row>> => {
  const rows: Array<Row> = []
  for (const runtime of runtimes(quick)) rows.push(await runtimeRow(runtime, project, tools, quick))
  return rows
}

const runtimeRow = async (runtime: Runtime, project: string, tools: string, quick: boolean): Promise<Row> => {
  const resolved = await runtime.resolve(tools)
  if ("why" in resolved) return { name: runtime.name, ok: false, cells: [], why: resolved.why }
  const [command, ...args] = resolved.command
  const smoke = await run(command!, [...args, "smoke.mjs"], project, 60_000)
  if (!smoke.ok) return { name: runtime.name, ok: false, cells: [], why: `smoke: ${firstLine(smoke.output)}` }
  const result = JSON.parse(smoke.output.trim().split("\n").pop()!)
  const passed = result.refused === 401 && result.login === 200 && result.protected === 200 &&
    result.name === "Notch" && result.logout === 200 && result.after === 401
  const imports: Array<number> = []
  for (let i = 0; i < 5; i++) {
    const timed = await run(command!, [...args, "import.mjs"], project, 60_000)
    imports.push(timed.ok ? Number(timed.output.trim()) : Number.NaN)
  }
  const isNode = runtime.name.startsWith("Node")
  const require = isNode
    ? await run(command!, ["-e", "console.log(typeof require('effect-login').LoginManager.layer)"], project, 60_000)
    : undefined
  // The ported Flask-Login suite against the conformance server, from the repository, on this Node.
  const conformance = isNode && !quick
    ? await run(command!, [
      path.join(root, "node_modules/vitest/vitest.mjs"),
      "run",
      "test/conformance/flask-login.test.ts"
    ], root)
    : undefined
  const conformanceCell = conformance === undefined
    ? "—"
    : conformance.ok
    ? `${/Tests\s+(\d+) passed/.exec(conformance.output)?.[1] ?? "?"} passed`
    : `fails: ${/Tests\s+([^\n]*)/.exec(conformance.output)?.[1] ?? firstLine(conformance.output)}`
  return {
    name: runtime.name,
    cells: [
      result.runtime,
      `${median(imports).toFixed(0)} ms`,
      passed ? `passes (${result.millis} ms)` : `fails: ${JSON.stringify(result)}`,
      require === undefined ? "—" : require.ok && require.output.trim() === "function" ? "works" : "fails",
      conformanceCell
    ],
    ok: passed && (conformance === undefined || conformance.ok),
    why: passed ?
      conformance === undefined || conformance.ok ? undefined : "the conformance suite failed" :
      "the smoke run answered otherwise"
  }
}

/** Type-checking the consumer app against the packed `.d.ts`, without skipLibCheck. */
export const typescriptRows = async (project: string, versions: ReadonlyArray<string>): Promise<ReadonlyArray<Row>> => {
  const rows: Array<Row> = []
  for (const version of versions) {
    const dir = path.join(project, "node_modules", `ts-${version}`)
    const actual = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version as string
    const checked = await run(process.execPath, [path.join(dir, "bin/tsc"), "-p", "tsconfig.json"], project)
    const errors = checked.output.split("\n").filter((line) => / error TS\d+/.test(line))
    rows.push({
      name: `TypeScript ${actual}`,
      ok: checked.ok,
      cells: [checked.ok ? "compiles" : `${errors.length} errors`],
      why: checked.ok ? undefined : firstLine(errors[0] ?? checked.output)
    })
  }
  return rows
}

/** Bundled with esbuild: what a subpath import costs against the root. */
export const bundleRows = async (project: string): Promise<ReadonlyArray<Row>> => {
  const esbuild = await import(pathToFileURL(path.join(root, "node_modules/esbuild/lib/main.js")).href)
  const entries = {
    "`effect-login/SafeRedirect` (`safeNext`)":
      `import { safeNext } from "effect-login/SafeRedirect"\nconsole.log(safeNext("/x"))\n`,
    "`effect-login` (`LoginManager.layer`)":
      `import { LoginManager } from "effect-login"\nconsole.log(LoginManager.layer)\n`
  }
  const rows: Array<Row> = []
  for (const [name, source] of Object.entries(entries)) {
    const entry = path.join(project, `entry-${rows.length}.mjs`)
    fs.writeFileSync(entry, source)
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      platform: "node",
      format: "esm",
      write: false,
      logLevel: "silent"
    })
    rows.push({ name, ok: true, cells: [`${(result.outputFiles[0].contents.length / 1024).toFixed(1)} KiB minified`] })
  }
  return rows
}

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<Row>) =>
  [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((row) =>
      `| ${row.name} | ${row.cells.length > 0 ? row.cells.join(" | ") : header.slice(1).map(() => "—").join(" | ")} |${
        row.why === undefined ? "" : ` ${row.ok ? "" : "**fails**: "}${row.why.replace(/\|/g, "\\|")}`
      }`
    )
  ].join("\n")

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes("--quick")
  // 5.4 is below the floor, measured to show where the floor is (the peers' declarations need 5.7).
  const typescript = quick ? ["7"] : ["5.4", "5.7", "5.9", "6.0", "7"]
  const belowFloor = (row: Row) => row.name === "TypeScript 5.4" || row.name.startsWith("TypeScript 5.4.")
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "effect-login-compat-"))
  const tools = path.join(work, "tools")
  fs.mkdirSync(tools)
  fs.writeFileSync(path.join(tools, "package.json"), JSON.stringify({ private: true }))
  try {
    const prepared = await prepare(work, { typescript, bun: !quick })
    const runtime = await runtimeRows(prepared.project, tools, quick)
    const types = await typescriptRows(prepared.project, typescript)
    const bundles = await bundleRows(prepared.project)
    const date = new Date().toISOString().slice(0, 10)
    const doc = `# Compatibility, measured

Written by \`npm run compat\` (scripts/compat.ts) on ${date}, on ${os.type()} ${os.arch()} (${os.cpus().length} cores).
The packed package is installed with its peers (\`effect\` ${versionOf("effect")}, \`@effect/platform\` ${
      versionOf("@effect/platform")
    }) into a fresh project: ${(prepared.installMillis / 1000).toFixed(1)} s with npm (from its cache where it can);
${prepared.packageKib} KiB on disk alone, ${(prepared.withPeersKib / 1024).toFixed(1)} MiB with its peers. A row that
fails says why; nothing missing is left out.

## Runtimes

Cold import of \`effect-login\` (median of 5 processes); the smoke app (test/compat/smoke.mjs) over real HTTP with the
runtime's own platform package (Node and Deno: \`@effect/platform-node\`; Bun: \`@effect/platform-bun\`): refused
anonymous (401), log in, the protected route, log out, refused again; \`require("effect-login")\` from CommonJS; on
each Node, the ported Flask-Login suite (test/conformance/flask-login.test.ts) against the conformance server.

${table(["runtime", "version", "import", "smoke", "require", "Flask-Login suite"], runtime)}

## TypeScript

The consumer app (test/package/consumer/app.ts) type-checked against the packed \`.d.ts\`, strict, without
\`skipLibCheck\`. Without \`skipLibCheck\`, \`@effect/platform-node\`'s own declarations need \`@types/ws\`
(TS7016 in \`NodeSocketServer.d.ts\` otherwise): add it beside \`@types/node\`. TypeScript 5.7 is the oldest
supported: 5.4 is measured to show the floor, and fails on the peers' declarations, not on effect-login's.

${table(["compiler", "result"], types)}

## Bundling

esbuild, minified, for Node: \`sideEffects: false\` and the subpath exports keep what is not imported out.

${table(["import", "bundle"], bundles)}
`
    if (quick) console.log(doc)
    else fs.writeFileSync(path.join(root, "docs/compatibility.md"), doc)
    console.log(quick ? "" : "docs/compatibility.md written")
    if ([...runtime, ...types.filter((row) => !belowFloor(row))].some((row) => !row.ok)) process.exitCode = 1
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
}
