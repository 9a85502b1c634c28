/**
 * Where the time goes: a CPU profile (`node --cpu-prof`) of one effect-login
 * server under /protected load, as http.ts starts it (its own process pinned to
 * core 0, autocannon on core 1, the cookie of a real login), summed by self time:
 * by area (the Effect runtime, effect/http or @effect/platform, effect-login,
 * Node's HTTP and streams, GC...) and the top functions.
 *
 *     npx tsx test/bench/profile.ts --line 4 [--store cookie] [--duration 20] [--node <node for line 3>]
 *
 * Line 3 runs test/bench/servers/effect-login.ts (the built `effect-login`,
 * through tsx) on the runner's Node or --node; line 4 runs
 * effect4/test/bench/servers/effect-login.ts (the built
 * `@effect-login/effect4`) on effect4/node_modules/.bin/node (Node 22). The
 * profile is written to test-results/bench/ (open it in Chrome's DevTools).
 */
import autocannon from "autocannon"
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { freePort } from "../utils/freePort.js"

const argValue = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const line = argValue("line") === "3" ? 3 : 4
const store = argValue("store") ?? "cookie"
const duration = Number(argValue("duration") ?? 20)
const here = path.dirname(new URL(import.meta.url).pathname)
const root = path.resolve(here, "../..")
const effect4 = path.join(root, "effect4")
const node22 = path.join(effect4, "node_modules/.bin/node")
const node3 = path.resolve(argValue("node") ?? process.execPath)
const out = path.resolve("test-results/bench")
const userAgent = "effect-login-bench/1.0"

const pinned = (() => {
  try {
    execFileSync("taskset", ["-p", "-c", "1", String(process.pid)], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()

interface ProfileNode {
  readonly id: number
  readonly callFrame: {
    readonly functionName: string
    readonly url: string
    readonly lineNumber: number
  }
}
interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

/** The area a function belongs to, from its script's URL. */
const area = (url: string, name: string) => {
  if (url === "") {
    if (name === "(garbage collector)" || name === "(program)") return name
    return /^write/.test(name) ? "socket writes (native writev)" : "native, other"
  }
  if (/node_modules\/effect\/dist\/(http|http-api)\//.test(url)) return "effect/http"
  if (/node_modules\/effect\//.test(url)) return "Effect runtime (effect)"
  if (/node_modules\/@effect\/platform-node/.test(url)) return "@effect/platform-node"
  if (/node_modules\/@effect\/platform\//.test(url)) return "@effect/platform"
  if (/\/dist\//.test(url) && !url.includes("node_modules")) return "effect-login (its dist/)"
  if (/test\/bench\/servers\//.test(url)) return "the server's own file"
  if (url.startsWith("node:")) {
    return /_http|http|stream|net|internal\/streams/.test(url) ? "Node HTTP, streams, net" : "Node, other"
  }
  return "other"
}

const summarise = (profile: Profile) => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const areas = new Map<string, number>()
  const functions = new Map<string, number>()
  let busy = 0
  for (const [id, micros] of self) {
    const { functionName, lineNumber, url } = byId.get(id)!.callFrame
    if (functionName === "(idle)") continue
    busy += micros
    const a = area(url, functionName)
    areas.set(a, (areas.get(a) ?? 0) + micros)
    const file = url === "" ? "" : ` ${url.replace(/^.*\/node_modules\//, "").replace(/^file:\/\/.*\/dist\//, "dist/")}`
    const key = `${functionName || "(anonymous)"}${file}${url === "" ? "" : `:${lineNumber + 1}`}`
    functions.set(key, (functions.get(key) ?? 0) + micros)
  }
  const pct = (micros: number) => `${((100 * micros) / busy).toFixed(1)} %`
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1])
  return [
    `non-idle samples: ${(busy / 1e6).toFixed(1)} s`,
    "",
    "| area | self time |",
    "|---|---|",
    ...sorted(areas).map(([name, micros]) => `| ${name} | ${pct(micros)} |`),
    "",
    "| function (top 25 by self time) | self time |",
    "|---|---|",
    ...sorted(functions).slice(0, 25).map(([name, micros]) => `| \`${name}\` | ${pct(micros)} |`)
  ].join("\n")
}

const main = async () => {
  execFileSync("npm", line === 4 ? ["run", "build", "--prefix", effect4] : ["run", "build"], { stdio: "inherit" })
  fs.mkdirSync(out, { recursive: true })
  const dir = fs.mkdtempSync(path.join(out, "profile-"))
  const port = await freePort()
  const [binary, ...args] = line === 4
    ? [node22, "--cpu-prof", `--cpu-prof-dir=${dir}`, path.join(effect4, "test/bench/servers/effect-login.ts")]
    : [node3, "--cpu-prof", `--cpu-prof-dir=${dir}`, "--import", "tsx", path.join(here, "servers/effect-login.ts")]
  const command = pinned ? ["taskset", "-c", "0", binary!, ...args] : [binary!, ...args]
  const child: ChildProcess = spawn(command[0]!, command.slice(1), {
    env: { ...process.env, PORT: String(port), STORE: store, TSX_TSCONFIG_PATH: path.join(here, "tsconfig.json") },
    stdio: ["ignore", "pipe", "inherit"]
  })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk) => String(chunk).includes("listening") && resolve())
    child.once("exit", (code) => reject(new Error(`the server exited with ${code}`)))
  })
  const base = `http://127.0.0.1:${port}`
  const response = await fetch(`${base}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": userAgent },
    body: "username=alice&password=wonderland"
  })
  const cookie = response.headers.getSetCookie().map((l) => l.split(";")[0]).join("; ")
  if (!response.ok || cookie === "") throw new Error(`login failed (${response.status})`)
  const result = await autocannon({
    url: `${base}/protected`,
    connections: 50,
    duration,
    headers: { cookie, "user-agent": userAgent }
  })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`)
  // SIGINT: the runtime interrupts the server and exits; Node writes the profile on exit.
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  child.kill("SIGINT")
  await exited
  const file = fs.readdirSync(dir).find((name) => name.endsWith(".cpuprofile"))
  if (file === undefined) throw new Error(`no profile written in ${dir}`)
  const target = path.join(out, `profile-effect${line}-${store}.cpuprofile`)
  fs.renameSync(path.join(dir, file), target)
  fs.rmSync(dir, { recursive: true })
  const report = [
    `Effect ${line} line, ${store} store, Node ${execFileSync(binary!, ["--version"], { encoding: "utf8" }).trim()}: ` +
    `GET /protected, 50 connections × ${duration} s, ${Math.round(result.requests.mean)} req/s; profile: ${target}`,
    "",
    summarise(JSON.parse(fs.readFileSync(target, "utf8")) as Profile)
  ].join("\n")
  console.log(report)
  fs.writeFileSync(path.join(out, `profile-effect${line}-${store}.md`), report + "\n")
}

main().catch((error) => {
  console.error("profile failed:", error instanceof Error ? error.stack ?? error.message : error)
  process.exit(1)
})
