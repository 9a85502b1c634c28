/**
 * Two conformance servers on one real Redis (SESSION_STORE=redis), as
 * ../shared/CONFORMANCE.md has it: "log out everywhere" on one instance holds
 * on the other, for sessions, remember cookies and the users' stamps alike.
 * The Effect 4 twin of the Effect 3 line's test/conformance/instances.test.ts.
 */
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { type TestClient, testClient } from "../utils/client.js"
import { redisAvailable, redisMissing, redisServer } from "../utils/redis.js"
import { ConformanceApp, ConformanceLive } from "./server-effect4.js"

/** One instance of the server, alive until the test's scope closes. */
const instance = (url: string) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(ConformanceLive).pipe(
      Effect.provideService(
        ConfigProvider.ConfigProvider,
        ConfigProvider.fromEnv({ env: { SESSION_STORE: "redis", REDIS_URL: url } })
      )
    )
    const app = yield* ConformanceApp
    // One browser behind a load balancer: the same jar, whichever instance answers.
    return (jar: Map<string, string>) => Effect.provide(testClient(app, jar), context)
  })

describe("two conformance servers on one Redis", () => {
  if (!redisAvailable) it("needs redis-server", () => assert.fail(redisMissing))

  it.live(
    "log out everywhere on A ends the remember cookie on B, and both agree on the stamp afterwards",
    () =>
      Effect.gen(function*() {
        const redis = yield* redisServer
        const [a, b] = [yield* instance(redis.url), yield* instance(redis.url)]
        const laptopJar = new Map<string, string>()
        const phoneJar = new Map<string, string>()
        const body = (client: TestClient, path: string) => Effect.map(client.get(path), (r) => r.body)
        const laptopOnA = yield* a(laptopJar)
        const phoneOnB = yield* b(phoneJar)
        const phoneOnA = yield* a(phoneJar)

        yield* laptopOnA.get("/login-notch-remember")
        yield* phoneOnB.get("/login-notch-remember")
        const phoneRemember = phoneJar.get("remember")!
        assert.strictEqual(yield* body(phoneOnA, "/username"), "Notch", "B's login holds on A")

        assert.strictEqual(yield* body(laptopOnA, "/logout-everywhere"), "true")
        // The phone closed its browser: only the remember cookie, presented to B.
        phoneJar.delete("session")
        assert.strictEqual(yield* body(phoneOnB, "/username"), "Anonymous")
        phoneJar.set("remember", phoneRemember)
        assert.strictEqual(yield* body(phoneOnB, "/username"), "Anonymous", "a copy of it too")

        // A new login on B is made under the new stamp, which A sees as well.
        yield* phoneOnB.get("/login-notch")
        assert.strictEqual(yield* body(phoneOnA, "/username"), "Notch")
        assert.strictEqual(yield* body(phoneOnB, "/username"), "Notch")
      }).pipe(Effect.scoped),
    30_000
  )
})
