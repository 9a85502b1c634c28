/**
 * Memory over a long run: effect-login with the cookie store serves 100,000
 * requests to a protected route with one user's cookie, then as many with the
 * cookies of 6,000 users (more than the cache of verified cookies holds); the
 * heap after a full GC is reported before and after each. Runs the built
 * package.
 *
 *     npx tsx test/bench/heap.ts [--requests 100000]
 */
import autocannon from "autocannon"
import { execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"

const i = process.argv.indexOf("--requests")
const amount = i > 0 ? Number(process.argv[i + 1]) : 100_000
const here = path.dirname(new URL(import.meta.url).pathname)
const port = 4000 + Math.floor(Math.random() * 2000)

const main = async () => {
  execFileSync("npm", ["run", "build"], { stdio: "inherit" })
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--import", "tsx", path.join(here, "servers/effect-login.ts")],
    {
      env: {
        ...process.env,
        PORT: String(port),
        STORE: "cookie",
        TSX_TSCONFIG_PATH: path.join(here, "tsconfig.json")
      },
      stdio: ["ignore", "pipe", "inherit"]
    }
  )
  await new Promise<void>((resolve) =>
    child.stdout.on("data", (chunk) => String(chunk).includes("listening") && resolve())
  )
  try {
    const base = `http://127.0.0.1:${port}`
    const login = async () => {
      const response = await fetch(`${base}/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "username=alice&password=wonderland"
      })
      return response.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ")
    }
    const heap = async () => Number(await (await fetch(`${base}/__heap`)).text())
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1)
    const phase = async (name: string, requests: ReadonlyArray<{ readonly headers: Record<string, string> }>) => {
      await autocannon({ url: `${base}/protected`, connections: 50, amount: 10_000, requests: [...requests] })
      const before = await heap()
      const result = await autocannon({ url: `${base}/protected`, connections: 50, amount, requests: [...requests] })
      const after = await heap()
      return `${name}: ${result.requests.total.toLocaleString("en-US")} requests to /protected (${result.non2xx} ` +
        `non-2xx), heap ${mb(before)} MB before, ${mb(after)} MB after (${after >= before ? "+" : ""}${
          mb(after - before)
        } MB).`
    }
    const one = await login()
    const many: Array<string> = []
    for (let i = 0; i < 6_000; i++) many.push(await login())
    const report = [
      await phase("one user", [{ headers: { cookie: one } }]),
      await phase("6,000 users", many.map((cookie) => ({ headers: { cookie } })))
    ].join("\n")
    console.log(report)
    fs.mkdirSync("test-results/bench", { recursive: true })
    fs.writeFileSync("test-results/bench/heap.md", report + "\n")
  } finally {
    child.kill("SIGKILL")
  }
}

main()
