/**
 * A real Redis Cluster for the tests: three redis-server masters in cluster
 * mode on free loopback ports, the 16,384 slots split between them, stopped
 * when the scope closes. Built with CLUSTER ADDSLOTSRANGE and CLUSTER MEET,
 * so it needs nothing but redis-server (7.0 or later).
 */
import type { Scope } from "effect"
import { Effect } from "effect"
import { Cluster, Redis } from "ioredis"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { freePort, onFreePort } from "./freePort.js"
import { ageKeys, kill, launch } from "./redis.js"

export interface RedisCluster {
  /** The masters' client ports. */
  readonly ports: ReadonlyArray<number>
  /** A cluster client that fails fast (no offline queue), as the store's docs advise. */
  readonly client: Effect.Effect<Cluster, never, Scope.Scope>
}

const slotRanges = [[0, 5460], [5461, 10922], [10923, 16383]] as const

const clusterReady = async (admins: ReadonlyArray<Redis>) => {
  const deadline = Date.now() + 20_000
  for (;;) {
    const infos = await Promise.all(admins.map((admin) => admin.call("CLUSTER", "INFO") as Promise<string>))
    if (infos.every((info) => info.includes("cluster_state:ok") && info.includes("cluster_known_nodes:3"))) return
    if (Date.now() > deadline) throw new Error(`the Redis Cluster did not form:\n${infos.join("\n")}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export const redisCluster: Effect.Effect<RedisCluster, never, Scope.Scope> = Effect.gen(function*() {
  const dir = yield* Effect.acquireRelease(
    Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "effect-login-cluster-"))),
    (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
  )
  const nodes = yield* Effect.forEach(slotRanges, (_, i) =>
    Effect.acquireRelease(
      Effect.promise(() =>
        onFreePort(async (port) => {
          // The cluster bus gets a free port of its own (by default it is port + 10000, which may be taken).
          const bus = await freePort()
          const child = await launch(port, [
            "--cluster-enabled",
            "yes",
            "--cluster-port",
            String(bus),
            "--cluster-config-file",
            path.join(dir, `nodes-${i}.conf`),
            "--dir",
            dir
          ])
          return { child, bus }
        })
      ),
      (node) => Effect.promise(() => kill(node.child.child))
    ))
  yield* Effect.promise(async () => {
    const admins = nodes.map((node) => new Redis(node.port, "127.0.0.1"))
    try {
      await Promise.all(admins.map((admin, i) => admin.call("CLUSTER", "ADDSLOTSRANGE", ...slotRanges[i]!)))
      for (const node of nodes.slice(1)) {
        await admins[0]!.call("CLUSTER", "MEET", "127.0.0.1", node.port, node.child.bus)
      }
      await clusterReady(admins)
    } finally {
      for (const admin of admins) admin.disconnect()
    }
  })
  const ports = nodes.map((node) => node.port)
  return {
    ports,
    client: Effect.acquireRelease(
      Effect.promise(() =>
        new Promise<Cluster>((resolve, reject) => {
          const cluster = new Cluster(ports.map((port) => ({ host: "127.0.0.1", port })), {
            enableOfflineQueue: false,
            redisOptions: { maxRetriesPerRequest: 1, commandTimeout: 1_000 }
          })
          cluster.once("ready", () => resolve(cluster))
          cluster.once("error", reject)
        })
      ),
      (cluster) => Effect.sync(() => cluster.disconnect())
    )
  }
})

/** Time passes on every node of the cluster (`ageKeys`). */
export const ageCluster = (cluster: Cluster, millis: number): Effect.Effect<void> =>
  Effect.forEach(cluster.nodes("master"), (node) => ageKeys(node, millis), { discard: true, concurrency: "unbounded" })
