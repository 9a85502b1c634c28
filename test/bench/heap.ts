/**
 * Memory over a long run: effect-login with the cookie store serves 100,000
 * requests to a protected route; the heap after a full GC is reported before
 * and after.
 *
 *     npx tsx test/bench/heap.ts [--requests 100000]
 */
import autocannon from "autocannon"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"

const i = process.argv.indexOf("--requests")
const amount = i > 0 ? Number(process.argv[i + 1]) : 100_000
const here = path.dirname(new URL(import.meta.url).pathname)
const port = 4000 + Math.floor(Math.random() * 2000)

const main = async () => {
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--import", "tsx", path.join(here, "servers/effect-login.ts")],
    {
      env: { ...process.env, PORT: String(port), STORE: "cookie" },
      stdio: ["ignore", "pipe", "inherit"]
    }
  )
  await new Promise<void>((resolve) =>
    child.stdout.on("data", (chunk) => String(chunk).includes("listening") && resolve())
  )
  try {
    const base = `http://127.0.0.1:${port}`
    const login = await fetch(`${base}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "username=alice&password=wonderland"
    })
    const cookie = login.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ")
    const heap = async () => Number(await (await fetch(`${base}/__heap`)).text())
    // Warm up first, so that the "before" heap holds what a running server holds.
    await autocannon({ url: `${base}/protected`, connections: 50, amount: 10_000, headers: { cookie } })
    const before = await heap()
    const result = await autocannon({ url: `${base}/protected`, connections: 50, amount, headers: { cookie } })
    const after = await heap()
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1)
    const report =
      `${result.requests.total.toLocaleString("en-US")} requests to /protected (${result.non2xx} non-2xx): ` +
      `heap ${mb(before)} MB before, ${mb(after)} MB after (${after >= before ? "+" : ""}${mb(after - before)} MB).`
    console.log(report)
    fs.mkdirSync("test-results/bench", { recursive: true })
    fs.writeFileSync("test-results/bench/heap.md", report + "\n")
  } finally {
    child.kill("SIGKILL")
  }
}

main()
