/**
 * HTTP throughput, side by side in one run: each server in its own process on
 * 127.0.0.1, warmed up, then loaded with autocannon (fixed connections and
 * duration), in rounds with the order rotated; medians and ratios per round.
 *
 *     npm run bench -- [--rounds 3] [--duration 5] [--connections 50]
 */
import autocannon from "autocannon"
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { freePort } from "../utils/freePort.js"

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const rounds = arg("rounds", 3)
const duration = arg("duration", 5)
const connections = arg("connections", 50)
const here = path.dirname(new URL(import.meta.url).pathname)

// Two cores: the load generator on one, the server on the other, so that they do not take turns.
const pinned = (() => {
  try {
    execFileSync("taskset", ["-p", "-c", "1", String(process.pid)], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()
const onServerCore = (args: ReadonlyArray<string>) => pinned ? ["taskset", "-c", "0", ...args] : args

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
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}: ${out}`)))
  })

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGKILL")
  })

const load = async (options: autocannon.Options) => {
  const result = await autocannon({ connections, duration, ...options })
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${options.url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  }
  return result.requests.mean
}

interface Server {
  readonly name: string
  readonly file: string
  readonly env?: Record<string, string>
  readonly protected: boolean
  readonly loginBench?: boolean
}

const form = "username=alice&password=wonderland"
const userAgent = "effect-login-bench/1.0"

const main = async () => {
  let redis: ChildProcess | undefined
  const redisPort = await freePort()
  try {
    redis = await start(
      ["redis-server", "--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {},
      "Ready to accept connections"
    )
  } catch {
    console.error("redis-server not found: the Redis store is skipped")
  }
  const servers: ReadonlyArray<Server> = [
    { name: "bare Effect HttpRouter (no auth)", file: "effect-bare.ts", protected: false },
    {
      name: "effect-login, cookie store",
      file: "effect-login.ts",
      env: { STORE: "cookie" },
      protected: true,
      loginBench: true
    },
    { name: "effect-login, memory store", file: "effect-login.ts", env: { STORE: "memory" }, protected: true },
    ...(redis === undefined ? [] : [{
      name: "effect-login, Redis store",
      file: "effect-login.ts",
      env: { STORE: "redis", REDIS_URL: `redis://127.0.0.1:${redisPort}` },
      protected: true
    }]),
    { name: "Express 5 + express-session + passport", file: "express-passport.ts", protected: true, loginBench: true },
    { name: "Fastify 5 + @fastify/secure-session", file: "fastify-secure-session.ts", protected: true },
    { name: "Hono + signed cookie", file: "hono-signed-cookie.ts", protected: true }
  ]
  const results = new Map<string, { public: Array<number>; protected: Array<number>; login: Array<number> }>()
  const bare: Array<number> = []
  for (let round = 0; round < rounds; round++) {
    // Rotate the order, so that no server always runs first (or last) on a warm machine.
    const order = servers.map((_, i) => servers[(i + round) % servers.length]!)
    for (const server of order) {
      const port = await freePort()
      const child = await start(
        onServerCore([process.execPath, "--import", "tsx", path.join(here, "servers", server.file)]),
        { PORT: String(port), ...server.env },
        "listening"
      )
      try {
        const base = `http://127.0.0.1:${port}`
        const entry = results.get(server.name) ?? { public: [], protected: [], login: [] }
        results.set(server.name, entry)
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
        await load({ url: `${base}/public`, duration: 1 })
        if (server.protected) await load({ url: `${base}/protected`, duration: 1, headers })
        const pub = await load({ url: `${base}/public` })
        entry.public.push(pub)
        if (server.file === "effect-bare.ts") bare[round] = pub
        if (server.protected) entry.protected.push(await load({ url: `${base}/protected`, headers }))
        if (server.loginBench) {
          entry.login.push(
            await load({
              url: `${base}/login`,
              method: "POST",
              headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
              body: form
            })
          )
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
  const expressProtected = results.get("Express 5 + express-session + passport")!.protected
  const lines = [
    `Node ${process.version}, ${os.cpus().length} × ${
      os.cpus()[0]?.model
    }, autocannon ${connections} connections × ${duration} s, ${rounds} rounds (medians; ratios per round, then the median)${
      pinned ? "; server pinned to core 0, load generator to core 1" : ""
    }.`,
    "",
    "| server | /public req/s | /protected req/s | /protected ÷ bare Effect /public | /protected ÷ Express+passport /protected |",
    "|---|---|---|---|---|"
  ]
  for (const [name, entry] of results) {
    const tax = entry.protected.map((p, i) => p / bare[i]!)
    const vsExpress = entry.protected.map((p, i) => p / expressProtected[i]!)
    lines.push(
      `| ${name} | ${fmt(median(entry.public))} | ${entry.protected.length ? fmt(median(entry.protected)) : "—"} | ${
        entry.protected.length ? median(tax).toFixed(2) : "1.00 (its /public)"
      } | ${entry.protected.length ? median(vsExpress).toFixed(2) : "—"} |`
    )
  }
  const logins = [...results].filter(([, e]) => e.login.length > 0)
  lines.push("", "| login POST | req/s |", "|---|---|")
  for (const [name, entry] of logins) lines.push(`| ${name} | ${fmt(median(entry.login))} |`)
  const report = lines.join("\n")
  console.log(report)
  fs.mkdirSync("test-results/bench", { recursive: true })
  fs.writeFileSync("test-results/bench/http.md", report + "\n")
  fs.writeFileSync("test-results/bench/http.json", JSON.stringify(Object.fromEntries(results), null, 2))
  if (redis !== undefined) await stop(redis)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
