/**
 * The hot path, piece by piece (tinybench, ops/s): session cookie decode +
 * verify (signed and encrypted, new and repeated cookies), remember cookie
 * verify, and resolving the user of a request from its cookie.
 *
 *     npx tsx test/bench/micro.ts
 */
import { HttpServerRequest } from "@effect/platform"
import { Effect, Layer, Option, Redacted } from "effect"
import { LoginManager, RememberCookie, SessionCookie, UserLoader } from "effect-login"
import * as fs from "node:fs"
import { Bench } from "tinybench"

const secretKey = Redacted.make("benchmark-secret-key-0123456789abcdef")
const session = { id: "abcdefghijklmnopqrstuv", userId: "12345", fresh: true, freshAt: 1, issuedAt: 1 }
const signed = SessionCookie.make({ secretKey, maxAge: "1 day" })
const encrypted = SessionCookie.make({ secretKey, maxAge: "1 day", encrypt: true })
const remember = RememberCookie.make({ secretKey })
const signedValue = signed.encode(session)
const encryptedValue = encrypted.encode(session)
const rememberValue = remember.encode({ userId: "12345", expiresAt: 1e13, duration: 1e9 })
// Distinct cookies, as many users would send: nothing can be remembered between them.
const distinct = Array.from({ length: 4096 }, (_, i) => signed.encode({ ...session, id: `session-${i}` }))

interface User {
  readonly id: string
}
const { layer } = UserLoader.make("app/Users", { id: (user: User) => user.id })
const manager = Effect.runSync(
  LoginManager.LoginManager.pipe(
    Effect.provide(
      LoginManager.layer({ secretKey, cookie: { secure: false } }).pipe(
        Layer.provide(layer((id) => Effect.succeed(Option.some({ id }))))
      )
    )
  )
)
const cookie = Effect.runSync(
  Effect.flatMap(LoginManager.LoginManager, (m) => m.issueSessionCookie({ id: "12345" })).pipe(
    Effect.provideService(LoginManager.LoginManager, manager)
  )
)
const main = async () => {
  const bench = new Bench({ time: 1000, warmup: true })
  let i = 0
  bench
    .add("session cookie decode + verify (signed, HMAC-SHA256)", () => {
      signed.decode(signedValue, 2)
    })
    .add("session cookie decode + verify (signed, a different cookie each time)", () => {
      signed.decode(distinct[i++ & 4095]!, 2)
    })
    .add("session cookie decode + verify (encrypted, AES-256-GCM)", () => {
      encrypted.decode(encryptedValue, 2)
    })
    .add("remember cookie verify", () => {
      remember.decode(rememberValue, 2)
    })
    .add("user resolution (request → session → UserLoader), no HTTP", () => {
      Effect.runSync(Effect.flatMap(
        manager.sessionFor(
          HttpServerRequest.fromWeb(
            new Request("http://localhost/protected", { headers: { cookie: `session=${cookie.value}` } })
          )
        ),
        (session) => session.user
      ))
    })
  await bench.run()
  const rows = bench.tasks.map((task) => ({
    name: task.name,
    opsPerSecond: Math.round(task.result !== undefined && "throughput" in task.result ? task.result.throughput.mean : 0)
  }))
  const report = [
    "| operation | ops/s |",
    "|---|---|",
    ...rows.map((row) => `| ${row.name} | ${row.opsPerSecond.toLocaleString("en-US")} |`)
  ].join("\n")
  console.log(report)
  fs.mkdirSync("test-results/bench", { recursive: true })
  fs.writeFileSync("test-results/bench/micro.md", report + "\n")
}

main()
