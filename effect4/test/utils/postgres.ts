/**
 * A real PostgreSQL for the tests: Debian's server binaries (initdb, then
 * postgres) in a temporary directory, on a free loopback port, without
 * durability (fsync off), removed when the scope closes. PostgreSQL refuses
 * to run as root: as root, the cluster belongs to the `postgres` user that
 * Debian's package creates.
 */
import type { Scope } from "effect"
import { Effect } from "effect"
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { onFreePort } from "./freePort.js"

const binaries = (() => {
  const root = "/usr/lib/postgresql"
  if (!fs.existsSync(root)) return undefined
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb")))
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0]
  return newest === undefined ? undefined : path.join(root, newest, "bin")
})()

export const postgresAvailable = binaries !== undefined

/** What a machine without PostgreSQL is told, by a failing test rather than a silent skip. */
export const postgresMissing = "PostgreSQL is not installed, and the SQL store tests need it: " +
  "`sudo apt-get install -y postgresql` (.ci/run does this)"

const asRoot = process.getuid?.() === 0

/** A command of PostgreSQL's, as the user that may run it. */
const command = (name: string, args: ReadonlyArray<string>): [string, Array<string>] =>
  asRoot
    ? ["runuser", ["-u", "postgres", "--", path.join(binaries!, name), ...args]]
    : [path.join(binaries!, name), [...args]]

export interface PostgresServer {
  readonly port: number
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, trusted: no password. */
  readonly url: string
  readonly stop: Effect.Effect<void>
  readonly start: Effect.Effect<void>
}

const launch = (dataDir: string, socketDir: string, port: number) =>
  new Promise<ChildProcess>((resolve, reject) => {
    const [file, args] = command("postgres", [
      "-D",
      dataDir,
      "-p",
      String(port),
      "-k",
      socketDir,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off"
    ])
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    const onData = (chunk: Buffer) => {
      output += chunk
      if (output.includes("database system is ready to accept connections")) resolve(child)
    }
    child.stdout!.on("data", onData)
    child.stderr!.on("data", onData)
    child.once("exit", (code) => reject(new Error(`postgres exited (${code}): ${output}`)))
  })

const stopChild = (child: ChildProcess, dataDir: string) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once("exit", () => resolve())
    // SIGINT: PostgreSQL's fast shutdown, sent to the server itself (runuser does not pass it on).
    try {
      process.kill(Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]), "SIGINT")
    } catch {
      child.kill("SIGKILL")
    }
  })

export const postgresServer: Effect.Effect<PostgresServer, never, Scope.Scope> = Effect.gen(function*() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "effect-login-pg-"))
  yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
  if (asRoot) execFileSync("chown", ["postgres:postgres", dir])
  const dataDir = path.join(dir, "data")
  const [file, args] = command("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
  execFileSync(file, args, { stdio: "pipe" })
  // The port was free a moment ago; another process may take it first: then try another one.
  const started = yield* Effect.promise(() => onFreePort((port) => launch(dataDir, dir, port)))
  const port = started.port
  let child = started.child
  yield* Effect.addFinalizer(() => Effect.promise(() => stopChild(child, dataDir)))
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: Effect.promise(() => stopChild(child, dataDir)),
    start: Effect.promise(async () => {
      child = await launch(dataDir, dir, port)
    })
  }
})
