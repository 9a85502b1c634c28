/**
 * Where effect-login runs, measured: packs the library, installs it with its
 * peers into a fresh project outside the repository, and for each runtime it
 * can get from the npm registry (Node 20 as installed, Node 22 and 24, Bun,
 * Deno) measures the cold import of `effect-login` and runs a smoke app over
 * real HTTP (test/compat/smoke.mjs); then type-checks an app against the
 * packed `.d.ts` with each TypeScript version, `require`s the package from
 * CommonJS, and bundles it with esbuild. Then the same for the Effect 4 line,
 * `@effect-login/effect4` (built with `npm run build --prefix effect4` and
 * packed from effect4/, its smoke app effect4/test/compat/smoke.mjs, its
 * consumer app effect4/test/package/consumer/app.ts), which adds what npm's
 * `--engine-strict` says on each Node and a Bun row per platform package.
 * Writes docs/compatibility.md. Both lines go through the same machinery (a
 * `Line` says what differs), so they live in this one file.
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
  /** Outside what the package declares it supports (its `engines`): shown, but not counted as a failure. */
  readonly unsupported?: boolean | undefined
}

// Asynchronous, so that a test runner calling these functions keeps its event loop (and its RPC) alive.
const run = (
  command: string,
  args: ReadonlyArray<string>,
  cwd: string,
  timeout = 300_000,
  env: Readonly<Record<string, string>> = {}
): Promise<{ readonly ok: boolean; readonly output: string; readonly millis: number }> => {
  const started = performance.now()
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, encoding: "utf8", timeout, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } },
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

const packageJson = (dir: string, name: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, "node_modules", name, "package.json"), "utf8"))

const versionOf = (name: string, dir = root) => packageJson(dir, name).version as string

const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "")

/** One published line of effect-login: what differs between measuring the Effect 3 and the Effect 4 package. */
export interface Line {
  /** The package's name, as an app imports it. */
  readonly name: string
  /** The package's directory: packed from there; the peers' versions are its devDependencies'. */
  readonly dir: string
  /** Built before `npm pack` (the Effect 3 line builds in its prepack). */
  readonly build: boolean
  /** The installed project's directory name. */
  readonly project: string
  readonly smoke: string
  readonly consumer: string
  /** Installed at this line's versions, and counted in the size with the package. */
  readonly peers: ReadonlyArray<string>
  readonly types: ReadonlyArray<string>
  /** Bun's own platform package, installed for the Bun rows; `prerelease`: built for another Effect, not supported. */
  readonly bunPlatform: { readonly name: string; readonly version: string; readonly prerelease: boolean }
  /** The ported Flask-Login suite, run on each Node from `cwd` with that directory's vitest. */
  readonly conformance: { readonly cwd: string; readonly test: string }
  /** Measure what `npm install --engine-strict` says on each Node. */
  readonly engines: boolean
}

export const effect3: Line = {
  name: "effect-login",
  dir: root,
  build: false,
  project: "app",
  smoke: path.join(root, "test/compat/smoke.mjs"),
  consumer: path.join(root, "test/package/consumer/app.ts"),
  peers: ["effect", "@effect/platform", "@effect/platform-node"],
  // Without skipLibCheck, @effect/platform-node's declarations need @types/ws: an app has to add it too.
  types: ["@types/node", "@types/ws"],
  // It brings @effect/cluster, rpc and sql as peers.
  bunPlatform: { name: "@effect/platform-bun", version: "0.91.2", prerelease: false },
  conformance: { cwd: root, test: "test/conformance/flask-login.test.ts" },
  engines: false
}

const effect4Dir = path.join(root, "effect4")

export const effect4: Line = {
  name: "@effect-login/effect4",
  dir: effect4Dir,
  build: true,
  project: "app-effect4",
  smoke: path.join(effect4Dir, "test/compat/smoke.mjs"),
  consumer: path.join(effect4Dir, "test/package/consumer/app.ts"),
  peers: ["effect", "@effect/platform-node"],
  types: ["@types/node"],
  // The newest @effect/platform-bun on npm: there is no 4.1.x (its `latest` is still the Effect 3 line's 0.91.2).
  bunPlatform: { name: "@effect/platform-bun", version: "4.0.0-rc.117", prerelease: true },
  conformance: { cwd: effect4Dir, test: "test/conformance/flask-login.test.ts" },
  engines: true
}

const kib = (dir: string) => Number(execFileSync("du", ["-sk", dir], { encoding: "utf8" }).split("\t")[0])

/** The packed library installed with its peers (and the toolchains to try) in a fresh project. */
export const prepare = async (
  work: string,
  options: { readonly typescript: ReadonlyArray<string>; readonly bun?: boolean | undefined },
  line: Line = effect3
) => {
  if (line.build) {
    const built = await run("npm", ["run", "build", "--silent"], line.dir)
    if (!built.ok) throw new Error(`npm run build failed in ${line.dir}: ${built.output}`)
  }
  const packed = await run("npm", ["pack", "--silent", "--pack-destination", work], line.dir)
  if (!packed.ok) throw new Error(`npm pack failed: ${packed.output}`)
  const tarball = path.join(work, packed.output.trim().split("\n").pop()!)
  const project = path.join(work, line.project)
  fs.mkdirSync(project)
  fs.copyFileSync(line.smoke, path.join(project, "smoke.mjs"))
  fs.copyFileSync(line.consumer, path.join(project, "app.ts"))
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
    `const started = performance.now()\nawait import(${
      JSON.stringify(line.name)
    })\nconsole.log(performance.now() - started)\n`
  )
  const dependencies = Object.fromEntries(
    [...line.peers, ...line.types].map((name) => [name, versionOf(name, line.dir)])
  )
  const typescript = Object.fromEntries(
    options.typescript.map((version) => [`ts-${version}`, `npm:typescript@${version}`])
  )
  // Bun's own platform package, for the smoke run on Bun.
  const bun = options.bun === true ? { [line.bunPlatform.name]: line.bunPlatform.version } : {}
  fs.writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({
      type: "module",
      private: true,
      dependencies: { ...dependencies, ...typescript, ...bun, [line.name]: `file:${tarball}` }
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
    packageKib: kib(path.join(project, "node_modules", line.name)),
    withPeersKib: line.peers.concat(line.name).reduce(
      (sum, name) => sum + kib(path.join(project, "node_modules", name)),
      0
    )
  }
}

interface Runtime {
  readonly name: string
  /** Node runs the `require` check, the Flask-Login suite and (where the line asks) npm's engine check. */
  readonly node: boolean
  /** The platform package the smoke app serves with on this runtime. */
  readonly platform: string
  /** Added to the smoke run's environment. */
  readonly env?: Readonly<Record<string, string>> | undefined
  /** Measured and shown, but a failure is not the package's (a platform package that is only a prerelease). */
  readonly unsupported?: boolean | undefined
  /** The command that runs a JavaScript file; `undefined` with why when it cannot be had here. */
  readonly resolve: (
    tools: string
  ) => Promise<{ readonly command: ReadonlyArray<string> } | { readonly why: string }>
}

type Resolved = { readonly command: ReadonlyArray<string> } | { readonly why: string }

// Both lines ask for the same runtimes: each is fetched once per tools directory.
const resolvedOnce = new Map<string, Promise<Resolved>>()
const once = (key: string, tools: string, resolve: () => Promise<Resolved>) => {
  const id = `${tools}\u0000${key}`
  if (!resolvedOnce.has(id)) resolvedOnce.set(id, resolve())
  return resolvedOnce.get(id)!
}

const nodeFromNpm = (major: number): Omit<Runtime, "platform"> => ({
  name: `Node ${major}`,
  node: true,
  resolve: (tools) =>
    once(`node@${major}`, tools, async () => {
      const found = await run("npx", ["-y", `node@${major}`, "-p", "process.execPath"], tools)
      return found.ok ? { command: [found.output.trim()] } : { why: `npx node@${major}: ${firstLine(found.output)}` }
    })
})

/** A runtime whose npm package ships its binary (`binaries`: where it may be, under node_modules). */
const fromPackage = (
  name: string,
  pkg: string,
  binaries: ReadonlyArray<string>,
  args: ReadonlyArray<string>
): Omit<Runtime, "platform"> => ({
  name,
  node: false,
  resolve: (tools) =>
    once(pkg, tools, async () => {
      const installed = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", pkg], tools)
      const found = binaries.map((file) => path.join(tools, "node_modules", file)).find((file) => fs.existsSync(file))
      return installed.ok && found !== undefined
        ? { command: [found, ...args] }
        : { why: `npm install ${pkg}: ${installed.ok ? "no binary for this platform" : firstLine(installed.output)}` }
    })
})

const bunBinaries = ["bun/bin/bun.exe", "@oven/bun-linux-x64/bin/bun"]

const runtimes = (quick: boolean, line: Line): ReadonlyArray<Runtime> => {
  const node = "@effect/platform-node"
  const installed: Runtime = {
    name: `Node ${process.versions.node.split(".")[0]} (installed)`,
    node: true,
    platform: node,
    resolve: async () => ({ command: [process.execPath] })
  }
  if (quick) return [installed, { ...nodeFromNpm(22), platform: node }]
  const bun = fromPackage("Bun", "bun", bunBinaries, [])
  return [
    installed,
    { ...nodeFromNpm(22), platform: node },
    { ...nodeFromNpm(24), platform: node },
    ...(line.engines
      // The Effect 4 line: Bun with its own platform package, and with Node's (the smoke app's SMOKE_PLATFORM).
      ? [
        {
          ...bun,
          name: `Bun (\`${line.bunPlatform.name}\`)`,
          platform: line.bunPlatform.name,
          unsupported: line.bunPlatform.prerelease
        },
        { ...bun, name: `Bun (\`${node}\`)`, platform: node, env: { SMOKE_PLATFORM: "node" } }
      ]
      : [{ ...bun, platform: line.bunPlatform.name }]),
    {
      ...fromPackage("Deno", "deno", ["@deno/linux-x64-glibc/deno", "@deno/linux-arm64-glibc/deno"], ["run", "-A"]),
      platform: node
    }
  ]
}

/** Import time and the smoke run, on every runtime. */
export const runtimeRows = async (
  project: string,
  tools: string,
  quick: boolean,
  line: Line = effect3
): Promise<ReadonlyArray<Row>> => {
  const rows: Array<Row> = []
  for (const runtime of runtimes(quick, line)) rows.push(await runtimeRow(runtime, project, tools, quick, line))
  return rows
}

const npmCli = () => {
  const cli = path.join(execFileSync("npm", ["root", "-g"], { encoding: "utf8" }).trim(), "npm/bin/npm-cli.js")
  return fs.existsSync(cli) ? cli : undefined
}

/** What `npm install --engine-strict`, run by this Node, says of the project's dependencies (a dry run). */
const enginesCell = async (node: string, project: string, name: string) => {
  const cli = npmCli()
  if (cli === undefined) return { cell: "—", refused: false }
  const dir = path.join(path.dirname(project), `${path.basename(project)}-engines-${name.replace(/\W+/g, "-")}`)
  fs.mkdirSync(dir, { recursive: true })
  fs.copyFileSync(path.join(project, "package.json"), path.join(dir, "package.json"))
  const checked = await run(node, [
    cli,
    "install",
    "--dry-run",
    "--engine-strict",
    "--prefer-offline",
    "--no-audit",
    "--no-fund",
    "--loglevel=error"
  ], dir)
  if (checked.ok) return { cell: "accepted", refused: false }
  const what = /Not compatible with your version of node\/npm: (\S+)/.exec(checked.output)?.[1]
  const required = /Required: (\{[^\n]*\})/.exec(checked.output)?.[1]
  return what === undefined || required === undefined
    ? { cell: `fails: ${firstLine(checked.output)}`, refused: false }
    : {
      cell: `refused: ${what} requires node \`${JSON.parse(required).node}\``,
      refused: true
    }
}

const runtimeRow = async (
  runtime: Runtime,
  project: string,
  tools: string,
  quick: boolean,
  line: Line
): Promise<Row> => {
  const resolved = await runtime.resolve(tools)
  if ("why" in resolved) return { name: runtime.name, ok: false, cells: [], why: resolved.why }
  const [command, ...args] = resolved.command
  const engines = line.engines && runtime.node ? await enginesCell(command!, project, runtime.name) : undefined
  const refusedByEngines = engines?.refused === true
  const unsupported = refusedByEngines || runtime.unsupported === true
  const smoke = await run(command!, [...args, "smoke.mjs"], project, 60_000, runtime.env)
  if (!smoke.ok) {
    return {
      name: runtime.name,
      ok: false,
      cells: [],
      why: `smoke: ${firstLine(smoke.output.replaceAll(`${project}/`, ""))}`,
      unsupported
    }
  }
  const result = JSON.parse(smoke.output.trim().split("\n").pop()!)
  const passed = result.refused === 401 && result.login === 200 && result.protected === 200 &&
    result.name === "Notch" && result.logout === 200 && result.after === 401
  const imports: Array<number> = []
  for (let i = 0; i < 5; i++) {
    const timed = await run(command!, [...args, "import.mjs"], project, 60_000)
    imports.push(timed.ok ? Number(timed.output.trim()) : Number.NaN)
  }
  const require = runtime.node
    ? await run(
      command!,
      ["-e", `console.log(typeof require(${JSON.stringify(line.name)}).LoginManager.layer)`],
      project,
      60_000
    )
    : undefined
  // The ported Flask-Login suite against the conformance server, from the repository, on this Node.
  const conformance = runtime.node && !quick
    ? await run(command!, [
      path.join(line.conformance.cwd, "node_modules/vitest/vitest.mjs"),
      "run",
      line.conformance.test
    ], line.conformance.cwd)
    : undefined
  const conformanceOutput = conformance === undefined ? "" : stripAnsi(conformance.output)
  const conformanceCell = conformance === undefined
    ? "—"
    : conformance.ok
    ? `${/Tests\s+(\d+) passed/.exec(conformanceOutput)?.[1] ?? "?"} passed`
    : `fails: ${/Tests\s+([^\n]*)/.exec(conformanceOutput)?.[1] ?? firstLine(conformanceOutput)}`
  const platformCell = `\`${runtime.platform}\` ${
    fs.existsSync(path.join(project, "node_modules", runtime.platform)) ? versionOf(runtime.platform, project) : "—"
  }`
  const ok = passed && (conformance === undefined || conformance.ok)
  return {
    name: runtime.name,
    cells: [
      result.runtime,
      ...(line.engines ? [platformCell, engines?.cell ?? "—"] : []),
      `${median(imports).toFixed(0)} ms`,
      passed ? `passes (${result.millis} ms)` : `fails: ${JSON.stringify(result)}`,
      require === undefined ? "—" : require.ok && require.output.trim() === "function" ? "works" : "fails",
      conformanceCell
    ],
    ok,
    why: refusedByEngines
      ? `unsupported: outside the \`engines\` it declares${ok ? ", although all of this row works here" : ""}`
      : passed
      ? conformance === undefined || conformance.ok ? undefined : "the conformance suite failed"
      : "the smoke run answered otherwise",
    unsupported
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
export const bundleRows = async (project: string, line: Line = effect3): Promise<ReadonlyArray<Row>> => {
  const esbuild = await import(pathToFileURL(path.join(root, "node_modules/esbuild/lib/main.js")).href)
  const entries = {
    [`\`${line.name}/SafeRedirect\` (\`safeNext\`)`]:
      `import { safeNext } from "${line.name}/SafeRedirect"\nconsole.log(safeNext("/x"))\n`,
    [`\`${line.name}\` (\`LoginManager.layer\`)`]:
      `import { LoginManager } from "${line.name}"\nconsole.log(LoginManager.layer)\n`
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
        row.why === undefined
          ? ""
          : ` ${row.ok ? "" : "**fails**: "}${row.why.replace(/\|/g, "\\|")}`
      }`
    )
  ].join("\n")

/** Engines as the installed packages declare them, e.g. "`effect` none, `@effect/platform-node` `>=22.19.0`". */
const declaredEngines = (project: string, names: ReadonlyArray<string>) =>
  names.map((name) => {
    const engine = packageJson(project, name).engines?.node as string | undefined
    return `\`${name}\` ${engine === undefined ? "none" : `\`${engine}\``}`
  }).join(", ")

/** The Effect 4 line's section of docs/compatibility.md, and whether a supported row failed. */
const effect4Section = async (work: string, tools: string, quick: boolean, typescript: ReadonlyArray<string>) => {
  const line = effect4
  const prepared = await prepare(work, { typescript, bun: !quick }, line)
  const runtime = await runtimeRows(prepared.project, tools, quick, line)
  const types = await typescriptRows(prepared.project, typescript)
  const bundles = await bundleRows(prepared.project, line)
  // The floor is measured: the oldest version that compiles; any failure at or above it is a failure.
  const floor = types.findIndex((row) => row.ok)
  const failed = [...runtime.filter((row) => row.unsupported !== true), ...types.slice(Math.max(floor, 0))]
    .some((row) => !row.ok)
  const floorText = floor < 0
    ? "No measured version compiles it."
    : floor === 0
    ? `${types[0]!.name} is the oldest measured, and compiles.`
    : `${types[floor]!.name} is the oldest measured that compiles it; the older ones fail (the first error is shown).`
  const platformNode = versionOf("@effect/platform-node", prepared.project)
  const vitest = versionOf("vitest", line.conformance.cwd)
  const installed = `\`effect\` ${versionOf("effect", prepared.project)} and \`@effect/platform-node\` ${platformNode}`
  const size = `${prepared.packageKib} KiB on disk alone (its modules and the shared core they compile with), ${
    (prepared.withPeersKib / 1024).toFixed(1)
  } MiB with \`effect\` and \`@effect/platform-node\``
  const engines = declaredEngines(prepared.project, [line.name, ...line.peers, "@effect/platform-node-shared"])
  const bun = `\`${line.bunPlatform.name}\` ${line.bunPlatform.version}`
  const header = ["runtime", "version", "platform", "engines", "import", "smoke", "require", "Flask-Login suite"]
  const text = `## Effect 4 (\`@effect-login/effect4\`)

The Effect 4 line, measured the same way: built (\`npm run build --prefix effect4\`), packed from effect4/ and installed
with ${installed} into a fresh project of its own: ${(prepared.installMillis / 1000).toFixed(1)} s with npm;
${size}.
The \`engines\` the installed packages declare:
${engines}.

### Runtimes

Cold import of \`@effect-login/effect4\` (median of 5 processes); the smoke app (effect4/test/compat/smoke.mjs, the
twin of the Effect 3 one: refused anonymous (401), log in, the protected route, log out, refused again) over real HTTP
with the platform package named: on Node and Deno \`@effect/platform-node\`; on Bun both
${bun}, the newest Effect 4 \`@effect/platform-bun\` on npm (there is no 4.1.x), and
\`@effect/platform-node\` through Bun's Node compatibility. On
each Node: what \`npm install --engine-strict\` (a dry run, npm run by that Node) says of the project,
\`require("@effect-login/effect4")\` from CommonJS, and the line's Flask-Login suite
(effect4/test/conformance/flask-login.test.ts, with effect4's vitest ${vitest}).

A Node outside the declared \`engines\` is unsupported, whatever else its row shows.${
    line.bunPlatform.prerelease && !quick
      ? `
The ${bun} row is measured but not supported either: that prerelease was built for
an earlier Effect 4 and imports modules that \`effect\` ${versionOf("effect", prepared.project)} does not have (its row
shows the first); on Bun, serve with \`@effect/platform-node\`.`
      : ""
  }

${table(header, runtime)}

### TypeScript

The Effect 4 consumer app (effect4/test/package/consumer/app.ts) type-checked against the packed \`.d.ts\`, strict,
without \`skipLibCheck\` and without \`@types/ws\`.
${floorText}

${table(["compiler", "result"], types)}

### Bundling

esbuild, minified, for Node.

${table(["import", "bundle"], bundles)}
`
  return { text, failed }
}

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
    const effect4Part = await effect4Section(work, tools, quick, typescript)
    const date = new Date().toISOString().slice(0, 10)
    const doc = `# Compatibility, measured

Written by \`npm run compat\` (scripts/compat.ts) on ${date}, on ${os.type()} ${os.arch()} (${os.cpus().length} cores).
The packed package is installed with its peers (\`effect\` ${versionOf("effect")}, \`@effect/platform\` ${
      versionOf("@effect/platform")
    }) into a fresh project: ${(prepared.installMillis / 1000).toFixed(1)} s with npm (from its cache where it can);
${prepared.packageKib} KiB on disk alone, ${(prepared.withPeersKib / 1024).toFixed(1)} MiB with its peers. A row that
fails says why; nothing missing is left out. The Effect 4 line, \`@effect-login/effect4\`, is measured the same way in
[its own section](#effect-4-effect-logineffect4).

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

${effect4Part.text}`
    if (quick) console.log(doc)
    else fs.writeFileSync(path.join(root, "docs/compatibility.md"), doc)
    console.log(quick ? "" : "docs/compatibility.md written")
    if ([...runtime, ...types.filter((row) => !belowFloor(row))].some((row) => !row.ok) || effect4Part.failed) {
      process.exitCode = 1
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
}
