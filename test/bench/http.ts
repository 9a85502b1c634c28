/**
 * HTTP throughput and server CPU per request, side by side in one run: each
 * server in its own process on 127.0.0.1, warmed up, then loaded with
 * autocannon (fixed connections and duration), in rounds with the order
 * rotated; medians, and ratios per round then the median.
 *
 * CPU per request: utime + stime of the server process (all its threads), read
 * from /proc/<pid>/stat right before and right after each measured load,
 * divided by the requests autocannon completed in that window. Ticks are 10 ms
 * (CLK_TCK 100): keep --duration at a few seconds so that they do not matter.
 *
 *     npm run bench:http -- [--rounds 3] [--duration 5] [--connections 50] [--only "effect-login, cookie,Express"]
 *       [--node <path to a node binary>]
 *
 * --only keeps the servers whose name contains one of the comma-separated
 * strings (case-insensitive); the bare server of each line always runs (it is
 * its line's baseline; the Effect 4 line's only when one of its servers runs).
 *
 * Two lines: the Effect 3 servers (test/bench/servers/, the built package
 * `effect-login`, run through tsx) and the Effect 4 servers
 * (effect4/test/bench/servers/, the built `@effect-login/effect4`). Effect 4
 * needs Node 22: its servers always run on effect4/node_modules/.bin/node
 * (installed by `npm ci --prefix effect4`), which strips their types itself
 * (no loader), and resolve `effect` and the package's own name from effect4/.
 * The Effect 3 servers and the competitors run on the runner's Node, or on
 * --node (e.g. `--node effect4/node_modules/.bin/node`: every server on one Node).
 */
import autocannon from "autocannon"
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { freePort } from "../utils/freePort.js"

const argValue = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const arg = (name: string, fallback: number) => {
  const value = argValue(name)
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got ${value}`)
  return n
}
const rounds = arg("rounds", 3)
const duration = arg("duration", 5)
const connections = arg("connections", 50)
const only = argValue("only")?.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "")
const here = path.dirname(new URL(import.meta.url).pathname)
const root = path.resolve(here, "../..")
const effect4 = path.join(root, "effect4")
/** The Node 22 of the Effect 4 line's devDependencies. */
const node22 = path.join(effect4, "node_modules/.bin/node")
/** The Node of the Effect 3 servers and the competitors. */
const node3 = path.resolve(argValue("node") ?? process.execPath)
const nodeVersion = (binary: string) => execFileSync(binary, ["--version"], { encoding: "utf8" }).trim()

// Two cores: the load generator on one, the server on the other, so that they do not take turns.
const pinned = (() => {
  try {
    execFileSync("taskset", ["-p", "-c", "1", String(process.pid)], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()
// taskset sets the affinity then execs its command: the pid spawn returns is the node process itself.
const onServerCore = (args: ReadonlyArray<string>) => pinned ? ["taskset", "-c", "0", ...args] : args

const ticksPerSecond = (() => {
  try {
    const n = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim())
    return Number.isFinite(n) && n > 0 ? n : 100
  } catch {
    return 100
  }
})()

/** utime + stime of a process (all its threads), in µs. */
const cpuMicros = (pid: number) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
  // Field 2 (comm) is in parentheses and may hold spaces: count from the last ")". Field 3 is fields[0].
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  const utime = Number(fields[14 - 3])
  const stime = Number(fields[15 - 3])
  return ((utime + stime) * 1e6) / ticksPerSecond
}

const start = (args: ReadonlyArray<string>, env: Record<string, string>, ready: string) =>
  new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn(args[0]!, args.slice(1), {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    child.stdout!.on("data", (chunk) => {
      out += chunk
      if (out.includes(ready)) resolve(child)
    })
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}: ${out}`)))
  })

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGKILL")
  })

const run = async (label: string, options: autocannon.Options) => {
  const result = await autocannon({ connections, duration, ...options })
  if (result.non2xx > 0 || result.errors > 0) {
    const codes = Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => `${code} × ${count}`)
    throw new Error(
      `${label}: ${result.non2xx} non-2xx responses and ${result.errors} errors out of ${result.requests.total} ` +
        `(status codes: ${codes.join(", ") || "none"})`
    )
  }
  return result
}

interface Server {
  readonly name: string
  readonly file: string
  /** The Effect line (the competitors count as 3: they run beside it); each line's ratios are to its own bare server. */
  readonly line: 3 | 4
  /** The server of the other line that this one is the twin of (Effect 4 → Effect 3). */
  readonly twin?: string
  readonly env?: Record<string, string>
  readonly protected: boolean
  readonly loginBench?: boolean
}

interface Entry {
  /** Mean req/s of each round. */
  readonly public: Array<number>
  readonly protected: Array<number>
  readonly login: Array<number>
  /** Server CPU µs per request, each round. */
  readonly publicCpu: Array<number>
  readonly protectedCpu: Array<number>
  readonly loginCpu: Array<number>
  /** Median latency of /protected, ms, each round. */
  readonly protectedP50: Array<number>
}

const form = "username=alice&password=wonderland"
const userAgent = "effect-login-bench/1.0"
const bareName = "bare Effect HttpRouter (no auth)"
const bare4Name = "Effect 4: bare HttpRouter (no auth)"
const expressName = "Express 5 + express-session + passport"

const main = async () => {
  // The servers run the built package, as an application would (see test/bench/tsconfig.json).
  execFileSync("npm", ["run", "build"], { stdio: "inherit" })
  let redis: ChildProcess | undefined
  const redisPort = await freePort()
  const wanted = (name: string) => only === undefined || only.some((s) => name.toLowerCase().includes(s))
  const redisName = "effect-login, Redis store"
  if (wanted(redisName)) {
    try {
      redis = await start(
        ["redis-server", "--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        {},
        "Ready to accept connections"
      )
    } catch {
      console.error("redis-server not found: the Redis store is skipped")
    }
  }
  try {
    const redisEnv = { STORE: "redis", REDIS_URL: `redis://127.0.0.1:${redisPort}` }
    const all: ReadonlyArray<Server> = [
      { name: bareName, file: "effect-bare.ts", line: 3, protected: false },
      {
        name: "effect-login, cookie store",
        file: "effect-login.ts",
        line: 3,
        env: { STORE: "cookie" },
        protected: true,
        loginBench: true
      },
      {
        name: "effect-login, memory store",
        file: "effect-login.ts",
        line: 3,
        env: { STORE: "memory" },
        protected: true
      },
      ...(redis === undefined ? [] : [{
        name: redisName,
        file: "effect-login.ts",
        line: 3 as const,
        env: redisEnv,
        protected: true
      }]),
      { name: "Effect + hand-written HMAC check", file: "effect-hmac.ts", line: 3, protected: true, loginBench: true },
      { name: expressName, file: "express-passport.ts", line: 3, protected: true, loginBench: true },
      { name: "Fastify 5 + @fastify/secure-session", file: "fastify-secure-session.ts", line: 3, protected: true },
      { name: "Hono + signed cookie", file: "hono-signed-cookie.ts", line: 3, protected: true },
      { name: bare4Name, file: "effect-bare.ts", line: 4, twin: bareName, protected: false },
      {
        name: "Effect 4: effect-login, cookie store",
        file: "effect-login.ts",
        line: 4,
        twin: "effect-login, cookie store",
        env: { STORE: "cookie" },
        protected: true,
        loginBench: true
      },
      {
        name: "Effect 4: effect-login, memory store",
        file: "effect-login.ts",
        line: 4,
        twin: "effect-login, memory store",
        env: { STORE: "memory" },
        protected: true
      },
      ...(redis === undefined ? [] : [{
        name: "Effect 4: effect-login, Redis store",
        file: "effect-login.ts",
        line: 4 as const,
        twin: redisName,
        env: redisEnv,
        protected: true
      }])
    ]
    const effect4Wanted = all.some((server) => server.line === 4 && server.name !== bare4Name && wanted(server.name))
    const runsEffect4 = (only === undefined || effect4Wanted) && fs.existsSync(node22)
    if ((only === undefined || effect4Wanted) && !runsEffect4) {
      console.error(`${node22} not found (npm ci --prefix effect4): the Effect 4 servers are skipped`)
    }
    // The Effect 4 servers run the built @effect-login/effect4 (effect4/dist, through the package's own exports).
    if (runsEffect4) execFileSync("npm", ["run", "build", "--prefix", effect4], { stdio: "inherit" })
    const servers = all.filter((server) =>
      server.line === 4
        ? runsEffect4 && (server.name === bare4Name || wanted(server.name))
        : server.name === bareName || wanted(server.name)
    )
    if (servers.length === 1 && only !== undefined) console.error(`--only ${only.join(",")}: no server matches`)
    const results = new Map<string, Entry>(
      servers.map((
        s
      ) => [s.name, {
        public: [],
        protected: [],
        login: [],
        publicCpu: [],
        protectedCpu: [],
        loginCpu: [],
        protectedP50: []
      }])
    )
    for (let round = 0; round < rounds; round++) {
      // Rotate the order, so that no server always runs first (or last) on a warm machine.
      const order = servers.map((_, i) => servers[(i + round) % servers.length]!)
      for (const server of order) {
        const port = await freePort()
        const [binary, ...args] = server.line === 4
          // Node 22 strips the types of the server's file itself; `effect` and `@effect-login/effect4` resolve
          // from effect4/ (its node_modules, and the package's own name through its exports: effect4/dist).
          ? [node22, path.join(effect4, "test/bench/servers", server.file)]
          : [node3, "--import", "tsx", path.join(here, "servers", server.file)]
        const child = await start(
          onServerCore([binary!, ...args]),
          { PORT: String(port), TSX_TSCONFIG_PATH: path.join(here, "tsconfig.json"), ...server.env },
          "listening"
        )
        try {
          const pid = child.pid!
          // Through taskset, the pid must still be node's (taskset execs it), not a taskset that waits for a child.
          const exe = fs.readlinkSync(`/proc/${pid}/exe`)
          if (exe !== fs.realpathSync(binary!)) {
            throw new Error(`${server.name}: pid ${pid} runs ${exe}, not node: its CPU time would not be the server's`)
          }
          // One measured load: req/s and server CPU µs per request (CPU read right before and right after).
          const measure = async (label: string, options: autocannon.Options) => {
            const before = cpuMicros(pid)
            const result = await run(`${server.name} ${label}`, options)
            const cpu = cpuMicros(pid) - before
            return { rps: result.requests.mean, cpu: cpu / result.requests.total, p50: result.latency.p50 }
          }
          const base = `http://127.0.0.1:${port}`
          const entry = results.get(server.name)!
          let cookie = ""
          if (server.protected) {
            const response = await fetch(`${base}/login`, {
              method: "POST",
              headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": userAgent },
              body: form
            })
            cookie = response.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ")
            if (!response.ok || cookie === "") throw new Error(`${server.name}: login failed (${response.status})`)
          }
          // The browser that logged in keeps its User-Agent (session protection binds the login to it).
          const headers = { cookie, "user-agent": userAgent }
          await run(`${server.name} GET /public (warm-up)`, { url: `${base}/public`, duration: 1 })
          if (server.protected) {
            await run(`${server.name} GET /protected (warm-up)`, { url: `${base}/protected`, duration: 1, headers })
          }
          const pub = await measure("GET /public", { url: `${base}/public` })
          entry.public.push(pub.rps)
          entry.publicCpu.push(pub.cpu)
          if (server.protected) {
            const prot = await measure("GET /protected", { url: `${base}/protected`, headers })
            entry.protected.push(prot.rps)
            entry.protectedCpu.push(prot.cpu)
            entry.protectedP50.push(prot.p50)
          }
          if (server.loginBench) {
            const login = await measure("POST /login", {
              url: `${base}/login`,
              method: "POST",
              headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
              body: form
            })
            entry.login.push(login.rps)
            entry.loginCpu.push(login.cpu)
          }
          console.error(`round ${round + 1}: ${server.name} done`)
        } finally {
          await stop(child)
        }
      }
    }

    const median = (values: ReadonlyArray<number>) => {
      const sorted = [...values].sort((a, b) => a - b)
      const mid = Math.floor(sorted.length / 2)
      return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
    }
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US")
    const fmtCpu = (n: number) => n.toFixed(1)
    const bareCpuOf = (server: Server) => results.get(server.line === 4 ? bare4Name : bareName)!.publicCpu
    const expressCpu = results.get(expressName)?.protectedCpu
    const lines = [
      `Node ${process.version}, ${os.cpus().length} × ${
        os.cpus()[0]?.model
      }, autocannon ${connections} connections × ${duration} s, ${rounds} round${
        rounds === 1 ? "" : "s"
      } (medians; ratios per round, then the median)${
        pinned ? "; server pinned to core 0, load generator to core 1" : ""
      }. CPU µs/req: server utime+stime (/proc/<pid>/stat, ${ticksPerSecond} ticks/s) ÷ requests completed. ` +
      `Effect 3 servers and competitors on Node ${nodeVersion(node3)}${
        runsEffect4 ? `, Effect 4 servers on Node ${nodeVersion(node22)}` : ""
      }; "bare" is the bare server of the row's own line.`,
      "",
      "| server | /public req/s | /protected req/s | /protected p50 ms | CPU µs/req /public → /protected | this /public CPU ÷ bare /public CPU | bare /public CPU ÷ this /protected CPU | /protected CPU ÷ Express+passport /protected CPU |",
      "|---|---|---|---|---|---|---|---|"
    ]
    const byName = new Map(servers.map((server) => [server.name, server]))
    for (const [name, entry] of results) {
      const bareCpu = bareCpuOf(byName.get(name)!)
      const has = entry.protected.length > 0
      const vsBare = entry.protectedCpu.map((c, i) => bareCpu[i]! / c)
      const publicTax = entry.publicCpu.map((c, i) => c / bareCpu[i]!)
      const vsExpress = expressCpu === undefined ? [] : entry.protectedCpu.map((c, i) => c / expressCpu[i]!)
      lines.push(
        `| ${name} | ${fmt(median(entry.public))} | ${has ? fmt(median(entry.protected)) : "—"} | ${
          has ? median(entry.protectedP50).toFixed(1) : "—"
        } | ${fmtCpu(median(entry.publicCpu))} → ${has ? fmtCpu(median(entry.protectedCpu)) : "—"} | ${
          median(publicTax).toFixed(2)
        } | ${has ? median(vsBare).toFixed(2) : "1.00 (its /public)"} | ${
          has && vsExpress.length > 0 ? median(vsExpress).toFixed(2) : "—"
        } |`
      )
    }
    const logins = [...results].filter(([, e]) => e.login.length > 0)
    if (logins.length > 0) {
      lines.push("", "| login POST | req/s | CPU µs/req |", "|---|---|---|")
      for (const [name, entry] of logins) {
        lines.push(`| ${name} | ${fmt(median(entry.login))} | ${fmtCpu(median(entry.loginCpu))} |`)
      }
    }
    // Each Effect 4 server against its Effect 3 twin, same round (so on the same machine state).
    const twins = servers.filter((server) => server.twin !== undefined && results.has(server.twin))
    if (twins.length > 0) {
      lines.push(
        "",
        "| Effect 4 ÷ Effect 3, CPU µs/req | /public | /protected | POST /login |",
        "|---|---|---|---|"
      )
      const ratio = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) =>
        a.length > 0 && b.length === a.length ? median(a.map((x, i) => x / b[i]!)).toFixed(2) : "—"
      for (const server of twins) {
        const e4 = results.get(server.name)!
        const e3 = results.get(server.twin!)!
        lines.push(
          `| ${server.name} | ${ratio(e4.publicCpu, e3.publicCpu)} | ${ratio(e4.protectedCpu, e3.protectedCpu)} | ${
            ratio(e4.loginCpu, e3.loginCpu)
          } |`
        )
      }
    }
    const report = lines.join("\n")
    console.log(report)
    fs.mkdirSync("test-results/bench", { recursive: true })
    fs.writeFileSync("test-results/bench/http.md", report + "\n")
    fs.writeFileSync("test-results/bench/http.json", JSON.stringify(Object.fromEntries(results), null, 2))
  } finally {
    if (redis !== undefined) await stop(redis)
  }
}

main().catch((error) => {
  console.error("HTTP benchmark failed:", error instanceof Error ? error.message : error)
  if (error instanceof Error && error.stack !== undefined) console.error(error.stack)
  process.exit(1)
})
