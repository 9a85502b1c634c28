/**
 * The conformance server started exactly as ../shared/CONFORMANCE.md says:
 * a process of its own, on 127.0.0.1, announcing itself and exiting cleanly
 * on SIGTERM; with a store, announcing itself only once it can serve.
 * The Effect 4 twin of the Effect 3 line's test/conformance/process.test.ts:
 * the server runs on the Node 22 of this package (`process.execPath` here),
 * which transforms its TypeScript itself (register.ts resolves the imports).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import { once } from "node:events"
import * as path from "node:path"
import { freePort } from "../utils/freePort.js"
import { postgresAvailable, postgresMissing, postgresServer } from "../utils/postgres.js"
import { redisAvailable, redisMissing, redisServer } from "../utils/redis.js"

const root = path.resolve(import.meta.dirname, "../..")

/** How the server starts, from `root`: no tsx needed. */
const server = [
  "--experimental-transform-types",
  "--no-warnings",
  "--import",
  "./scripts/register.ts",
  "test/conformance/server-effect4.ts"
]

describe("conformance server process", () => {
  it("listens, serves the contract, and exits cleanly on SIGTERM", async () => {
    const port = await freePort()
    const child = spawn(process.execPath, server, {
      cwd: root,
      env: { ...process.env, PORT: String(port), LOGIN_VIEW: "/login" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    const exited = once(child, "exit")
    try {
      let stdout = ""
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk) => {
          stdout += chunk
          if (stdout.includes(`listening on ${port}\n`)) resolve()
        })
        child.once("exit", (code) => reject(new Error(`exited with ${code} before listening: ${stdout}`)))
      })
      const base = `http://127.0.0.1:${port}`
      assert.strictEqual(await (await fetch(`${base}/`)).text(), "Welcome!")
      const refused = await fetch(`${base}/protected?x=1`, { redirect: "manual" })
      assert.strictEqual(refused.status, 302)
      assert.strictEqual(refused.headers.get("location"), "/login?next=%2Fprotected%3Fx%3D1")

      const login = await fetch(`${base}/login`, {
        method: "POST",
        body: new URLSearchParams({ username: "Notch", password: "notch-pw", next: "/protected" }),
        redirect: "manual"
      })
      assert.strictEqual(login.status, 303)
      assert.strictEqual(login.headers.get("location"), "/protected")
      const cookie = login.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ")
      assert.strictEqual(await (await fetch(`${base}/protected`, { headers: { cookie } })).text(), "Access Granted")
    } finally {
      child.kill("SIGTERM")
    }
    const [code, signal] = await exited
    assert.strictEqual(signal, null)
    assert.strictEqual(code, 0)
  })
})

/** Starts the server with `env`, answers its first request the moment it says `listening on`, then stops it. */
const firstRequest = (env: Record<string, string>, path: string) =>
  Effect.promise(async () => {
    const port = await freePort()
    const child = spawn(process.execPath, server, {
      cwd: root,
      env: { ...process.env, ...env, PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"]
    })
    const exited = once(child, "exit")
    try {
      await new Promise<void>((resolve, reject) => {
        let stdout = ""
        child.stdout.on("data", (chunk) => {
          stdout += chunk
          if (stdout.includes(`listening on ${port}\n`)) resolve()
        })
        child.once("exit", (code) => reject(new Error(`exited with ${code} before listening: ${stdout}`)))
      })
      const response = await fetch(`http://127.0.0.1:${port}${path}`)
      return { status: response.status, body: await response.text() }
    } finally {
      child.kill("SIGTERM")
      await exited
    }
  })

describe("conformance server with a store", () => {
  if (!redisAvailable) it("needs redis-server", () => assert.fail(redisMissing))
  if (!postgresAvailable) it("needs PostgreSQL", () => assert.fail(postgresMissing))

  it.live("with Redis, the first request after `listening on` is served", () =>
    Effect.gen(function*() {
      const redis = yield* redisServer
      const first = yield* firstRequest({ SESSION_STORE: "redis", REDIS_URL: redis.url }, "/login-notch")
      assert.deepStrictEqual(first, { status: 200, body: "true" })
    }).pipe(Effect.scoped), 30_000)

  it.live("with PostgreSQL, the first request after `listening on` is served", () =>
    Effect.gen(function*() {
      const pg = yield* postgresServer
      const first = yield* firstRequest({ SESSION_STORE: "postgres", DATABASE_URL: pg.url }, "/login-notch")
      assert.deepStrictEqual(first, { status: 200, body: "true" })
    }).pipe(Effect.scoped), 30_000)
})
