/**
 * A real Redis for the tests: Debian's redis-server on a free loopback port,
 * without persistence, stopped when the scope closes. `stop` and `start`
 * simulate an outage on the same port.
 */
import type { Scope } from "effect"
import { Effect } from "effect"
import { Redis } from "ioredis"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import { onFreePort } from "./freePort.js"

export const redisAvailable = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].some((p) => fs.existsSync(p))

/** What a machine without Redis is told, by a failing test rather than a silent skip. */
export const redisMissing = "redis-server is not installed, and the Redis tests need it: " +
  "`sudo apt-get install -y redis-server` (.ci/run does this)"

/** Starts redis-server on `port`, with `args` after the defaults; resolves once it accepts connections. */
export const launch = (port: number, args: ReadonlyArray<string> = []) =>
  new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn("redis-server", [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      ...args
    ], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout!.on("data", (chunk) => {
      output += chunk
      if (output.includes("Ready to accept connections")) resolve(child)
    })
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${output}`)))
  })

/** Stops a redis-server at once. */
export const kill = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGKILL")
  })

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** A client that fails fast while Redis is away (no offline queue); `connected: false` returns it at once. */
  readonly client: (options?: { readonly connected?: boolean }) => Effect.Effect<Redis, never, Scope.Scope>
  readonly stop: Effect.Effect<void>
  readonly start: Effect.Effect<void>
}

export const redisServer: Effect.Effect<RedisServer, never, Scope.Scope> = Effect.gen(function*() {
  // The port was free a moment ago; another process may take it first: then try another one.
  const started = yield* Effect.promise(() => onFreePort((port) => launch(port)))
  const port = started.port
  let child = started.child
  yield* Effect.addFinalizer(() => Effect.promise(() => kill(child)))
  const url = `redis://127.0.0.1:${port}`
  return {
    port,
    url,
    client: (options) =>
      Effect.acquireRelease(
        Effect.sync(() =>
          new Redis(url, {
            enableOfflineQueue: false,
            maxRetriesPerRequest: 1,
            commandTimeout: 500,
            retryStrategy: () => 50,
            lazyConnect: false
          })
        ).pipe(
          // Outages are expected in these tests: the store reports them, the client need not print them.
          Effect.tap((redis) => redis.on("error", () => undefined)),
          Effect.tap((redis) => options?.connected === false ? Effect.void : Effect.promise(() => waitReady(redis)))
        ),
        (redis) => Effect.sync(() => redis.disconnect())
      ),
    stop: Effect.promise(() => kill(child)),
    start: Effect.promise(async () => {
      child = await launch(port)
    })
  }
})

const waitReady = (redis: Redis) =>
  new Promise<void>((resolve) => {
    if (redis.status === "ready") return resolve()
    redis.once("ready", () => resolve())
  })

/**
 * Once the client is connected and ready, at once or when it next is (ioredis
 * reconnects by itself after an outage): what a test awaits instead of polling.
 */
export const ready = (redis: Redis): Effect.Effect<void> => Effect.promise(() => waitReady(redis))

/**
 * The client as the store sees it, and the first failure of one of its
 * commands: a test that brings Redis up while the store waits for it starts
 * Redis once the store has been refused at least once.
 */
export const watchFailures = (redis: Redis) => {
  let refused: () => void = () => undefined
  const firstFailure = new Promise<void>((resolve) => {
    refused = resolve
  })
  const client = {
    options: redis.options,
    eval: (script: string, keys: number, ...args: Array<string | number>) =>
      redis.eval(script, keys, ...args).catch((error: unknown) => {
        refused()
        throw error
      })
  }
  return { client, firstFailure: Effect.promise(() => firstFailure) }
}

/**
 * Time passes in Redis as `millis` of waiting would make it pass, without
 * waiting: every key's TTL shrinks by `millis`, and a key whose TTL runs out
 * is deleted. Redis keeps its own clock; a test moves the application's with
 * TestClock and Redis' with this.
 */
export const ageKeys = (redis: Redis, millis: number): Effect.Effect<void> =>
  Effect.promise(async () => {
    for await (const keys of redis.scanStream({ count: 1_000 }) as AsyncIterable<ReadonlyArray<string>>) {
      for (const key of keys) {
        const ttl = await redis.pttl(key)
        if (ttl > millis) await redis.pexpire(key, ttl - millis)
        else if (ttl >= 0) await redis.del(key)
      }
    }
  })
