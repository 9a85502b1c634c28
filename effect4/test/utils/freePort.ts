import { createServer } from "node:net"

/** A TCP port that was free on 127.0.0.1 a moment ago, for a server a test starts. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

/**
 * Starts a server on a free port, with another port when the one chosen was
 * taken in between (the race of any "free port" helper), up to `attempts` times.
 */
export const onFreePort = async <A>(start: (port: number) => Promise<A>, attempts = 3) => {
  for (let attempt = 1;; attempt++) {
    const port = await freePort()
    try {
      return { port, child: await start(port) }
    } catch (error) {
      if (attempt >= attempts) throw error
    }
  }
}
