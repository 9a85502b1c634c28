/**
 * Server-side sessions, in-process over the memory store (TestClock drives
 * every timeout): ids, fixation, logout, expiry policy, concurrent writes,
 * listing and ending a user's sessions, and store failures.
 */
import { HttpRouter, HttpServerResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { assertNone } from "@effect/vitest/utils"
import { Deferred, Effect, Fiber, Layer, Option, Schema, TestClock } from "effect"
import type { LoginOptions } from "effect-login"
import { LoginError, LoginManager, Session, SessionStore } from "effect-login"
import { testClient } from "./utils/client.js"
import { login, routes, secretKey, users, withUsers } from "./utils/fixtures.js"

const Bar = Session.key("bar", Schema.String)

let gate: Deferred.Deferred<void> | undefined
let conflicting = false
let writes = 0

const storeApp = HttpRouter.empty.pipe(
  HttpRouter.get("/sessions", Effect.flatMap(Session.listSessions, (sessions) => HttpServerResponse.json(sessions))),
  HttpRouter.get("/logout-others", Effect.flatMap(Session.logoutOtherDevices, (n) => HttpServerResponse.json(n))),
  HttpRouter.get("/logout-everywhere", Effect.flatMap(Session.logoutEverywhere, (n) => HttpServerResponse.json(n))),
  HttpRouter.get(
    "/slow-set-bar",
    Effect.gen(function*() {
      yield* Bar.get
      // Wait while another request of this session writes.
      if (gate !== undefined) yield* Deferred.await(gate)
      yield* Bar.set("slow")
      return HttpServerResponse.text("ok")
    })
  ),
  HttpRouter.get("/bar", Effect.map(Bar.get, (bar) => HttpServerResponse.text(Option.getOrElse(bar, () => "")))),
  HttpRouter.get("/login-steve", Effect.as(login(users.get("2")!), HttpServerResponse.text("true"))),
  HttpRouter.get("/confirm-login", Effect.as(Session.confirmLogin, HttpServerResponse.text("confirmed"))),
  HttpRouter.concat(routes),
  LoginManager.middleware
)

const storeLayer = (options: Partial<LoginOptions.StoreOptions> = {}, store = SessionStore.makeMemory()) =>
  withUsers(LoginManager.layerStore({ secretKey, cookie: { secure: false }, ...options })).pipe(
    Layer.provideMerge(Layer.succeed(SessionStore.SessionStore, store))
  )

/** A memory store that counts what is written to it. */
const memory = ((inner: SessionStore.SessionStore): SessionStore.SessionStore => ({
  ...inner,
  set: (key, session, expected) =>
    session.userId === undefined && !key.startsWith("remember.")
      ? Effect.die(`an anonymous session was written to the store (${key})`)
      : inner.set(key, session, expected)
}))(SessionStore.makeMemory())

const sessionsOf = (userId: string) => Effect.flatMap(SessionStore.SessionStore, (store) => store.listByUser(userId))

// Sequential: two tests share the gate of /slow-set-bar.
describe.sequential("server-side sessions", () => {
  it.effect("the cookie holds a 256-bit random id; the store only its hash", () =>
    Effect.gen(function*() {
      const client = yield* testClient(storeApp)
      yield* client.get("/login/1")
      const id = client.cookies.get("session")!
      // 256 random bits, then the user's tag: SHA-1 of "1" starts 356a (src/core/userTag.ts).
      assert.match(id, /^[\w-]{43}356a$/)
      const [stored] = yield* sessionsOf("1")
      assert.isDefined(stored)
      assert.notStrictEqual(stored!.key, id)
      assert.notInclude(JSON.stringify(stored), id)
      assert.strictEqual((yield* client.get("/username")).body, "Notch")
    }).pipe(Effect.provide(storeLayer())))

  it.effect("login rotates the id and deletes the old session; logout deletes the session", () =>
    Effect.gen(function*() {
      const client = yield* testClient(storeApp)
      yield* client.get("/login/2")
      const previousId = client.cookies.get("session")!
      yield* client.get("/set-foo/before")
      yield* client.get("/login/1")
      const loggedInId = client.cookies.get("session")!
      assert.notStrictEqual(loggedInId, previousId)
      // The old id is dead: presenting it (from another jar) gives nothing.
      const attacker = yield* testClient(storeApp)
      const replay = yield* attacker.get("/get-foo", { headers: { cookie: `session=${previousId}` } })
      assert.strictEqual(replay.body, "")
      assert.deepStrictEqual(yield* sessionsOf("2"), [])

      yield* client.get("/logout")
      assert.strictEqual((yield* sessionsOf("1")).length, 0)
      assert.strictEqual(
        (yield* client.get("/username", { headers: { cookie: `session=${loggedInId}` } })).body,
        "Anonymous"
      )
    }).pipe(Effect.provide(storeLayer())))

  it.effect("a user has at most maxSessionsPerUser sessions: a login past it ends the oldest", () =>
    Effect.gen(function*() {
      const devices = yield* Effect.all(Array.from({ length: 5 }, () => testClient(storeApp)))
      for (const device of devices) {
        yield* device.get("/login/1")
        yield* TestClock.adjust("1 second")
      }
      assert.strictEqual((yield* sessionsOf("1")).length, 3)
      const names = yield* Effect.forEach(devices, (device) => Effect.map(device.get("/username"), (r) => r.body))
      assert.deepStrictEqual(names, ["Anonymous", "Anonymous", "Notch", "Notch", "Notch"])
      const invalid = yield* Layer.build(storeLayer({ maxSessionsPerUser: 0 })).pipe(Effect.scoped, Effect.flip)
      assert.include(String(invalid), "Invalid maxSessionsPerUser 0")
    }).pipe(Effect.provide(storeLayer({ maxSessionsPerUser: 3 }))))

  it.effect("confirmLogin (re-authentication) gives the session a new id, and the old one is dead", () =>
    Effect.gen(function*() {
      const client = yield* testClient(storeApp)
      yield* client.get("/login/1?fresh=0")
      yield* client.get("/set-foo/kept")
      const before = client.cookies.get("session")!
      assert.strictEqual((yield* client.get("/confirm-login")).body, "confirmed")
      const after = client.cookies.get("session")!
      assert.notStrictEqual(after, before)
      assert.strictEqual((yield* client.get("/is-fresh")).body, "true")
      assert.strictEqual((yield* client.get("/get-foo")).body, "kept")
      const attacker = yield* testClient(storeApp)
      attacker.cookies.set("session", before)
      assert.strictEqual((yield* attacker.get("/username")).body, "Anonymous")
      assert.strictEqual((yield* sessionsOf("1")).length, 1)
    }).pipe(Effect.provide(storeLayer())))

  it.effect("a session without a login never reaches the store: it lives in a signed cookie", () =>
    Effect.gen(function*() {
      const store = yield* SessionStore.SessionStore
      const visitors = yield* Effect.all(Array.from({ length: 50 }, () => testClient(storeApp)))
      for (const visitor of visitors) {
        yield* visitor.get("/flash/hello")
        yield* visitor.get("/set-foo/cart")
      }
      const one = visitors[0]!
      assert.notMatch(one.cookies.get("session")!, /^[\w-]{43}(?:[0-9a-f]{4})?$/, "not a store id")
      assert.strictEqual((yield* one.get("/get-foo")).body, "cart")
      assert.deepStrictEqual(JSON.parse((yield* one.get("/flashes")).body), [["info", "hello"]])
      // A tampered anonymous cookie is nothing.
      const tampered = yield* testClient(storeApp)
      tampered.cookies.set("session", one.cookies.get("session")!.slice(0, -2) + "AA")
      assert.strictEqual((yield* tampered.get("/get-foo")).body, "")
      // The login carries the anonymous data into a store session; the logout takes it back out.
      yield* one.get("/login/1")
      assert.match(one.cookies.get("session")!, /^[\w-]{43}356a$/)
      assert.strictEqual((yield* one.get("/get-foo")).body, "cart")
      assert.strictEqual((yield* store.listByUser("1")).length, 1)
      yield* one.get("/logout")
      assert.deepStrictEqual(yield* store.listByUser("1"), [])
      assert.strictEqual((yield* one.get("/get-foo")).body, "cart", "the application's data stays, as Flask's")
      assert.notMatch(one.cookies.get("session")!, /^[\w-]{43}(?:[0-9a-f]{4})?$/)
    }).pipe(Effect.provide(storeLayer({}, memory))))

  it.effect("idle timeout: a session unused for that long ends", () =>
    Effect.gen(function*() {
      const client = yield* testClient(storeApp)
      yield* client.get("/login/1")
      yield* TestClock.adjust("29 minutes")
      assert.strictEqual((yield* client.get("/username")).body, "Notch")
      yield* TestClock.adjust("29 minutes")
      assert.strictEqual((yield* client.get("/username")).body, "Notch")
      yield* TestClock.adjust("31 minutes")
      const expired = yield* client.get("/username")
      assert.strictEqual(expired.body, "Anonymous")
      assert.match(expired.setCookies[0] ?? "", /^session=; Max-Age=0/)
    }).pipe(Effect.provide(storeLayer({ expiry: { idleTimeout: "30 minutes", absoluteTimeout: "1 day" } }))))

  it.effect("absolute timeout: however busy, a session ends", () =>
    Effect.gen(function*() {
      const client = yield* testClient(storeApp)
      yield* client.get("/login/1")
      for (let i = 0; i < 5; i++) {
        yield* TestClock.adjust("20 minutes")
        assert.strictEqual((yield* client.get("/username")).body, "Notch", `after ${(i + 1) * 20} minutes`)
      }
      yield* TestClock.adjust("20 minutes")
      assert.strictEqual((yield* client.get("/username")).body, "Anonymous")
    }).pipe(Effect.provide(storeLayer({ expiry: { idleTimeout: "30 minutes", absoluteTimeout: "110 minutes" } }))))

  it.effect("touch is throttled, and a persistent cookie's expiry follows the server's", () =>
    Effect.gen(function*() {
      const client = yield* testClient(storeApp)
      const login = yield* client.get("/login/1")
      assert.match(login.setCookies[0] ?? "", /^session=[\w-]{43}356a; Max-Age=1800; Path=\//)
      const expiry = Effect.map(sessionsOf("1"), (sessions) => sessions[0]!.session.expiresAt)
      const first = yield* expiry
      yield* TestClock.adjust("30 seconds")
      const quiet = yield* client.get("/username")
      assert.deepStrictEqual(quiet.setCookies, [])
      assert.strictEqual(yield* expiry, first)
      yield* TestClock.adjust("2 minutes")
      const touched = yield* client.get("/username")
      assert.strictEqual(yield* expiry, first + 150_000)
      // Max-Age re-sent with the new expiry (the better-auth logout bug).
      assert.match(touched.setCookies[0] ?? "", /^session=[\w-]{43}356a; Max-Age=1800; Path=\//)
    }).pipe(
      Effect.provide(
        storeLayer({
          cookie: { secure: false, persistent: true },
          expiry: { idleTimeout: "30 minutes", touchInterval: "1 minute" }
        })
      )
    ))

  it.effect("the expiry policy is checked when the Layer is built", () =>
    Effect.gen(function*() {
      for (
        const [expiry, message] of [
          [
            { idleTimeout: "1 hour", touchInterval: "2 hours" },
            "the touch interval must be shorter than the idle timeout"
          ],
          [{ idleTimeout: "2 days", absoluteTimeout: "1 day" }, "the idle timeout must not exceed the absolute timeout"]
        ] as const
      ) {
        const error = yield* Layer.build(storeLayer({ expiry })).pipe(Effect.scoped, Effect.flip)
        assert.strictEqual(error.message, `Invalid session expiry: ${message}`)
      }
    }))

  it.effect("concurrent requests of one session do not lose each other's writes", () =>
    Effect.gen(function*() {
      const client = yield* testClient(storeApp)
      yield* client.get("/login/1")
      gate = yield* Deferred.make<void>()
      const slow = yield* Effect.fork(client.get("/slow-set-bar"))
      yield* Effect.yieldNow()
      // Meanwhile, another request of the same session writes and commits first.
      yield* client.get("/set-foo/fast")
      yield* Deferred.succeed(gate, void 0)
      yield* Fiber.join(slow)
      gate = undefined
      assert.strictEqual((yield* client.get("/get-foo")).body, "fast")
      assert.strictEqual((yield* client.get("/bar")).body, "slow")
      assert.strictEqual((yield* client.get("/username")).body, "Notch")
    }).pipe(Effect.provide(storeLayer())))

  it.effect("list a user's sessions, log out other devices, log out everywhere", () =>
    Effect.gen(function*() {
      const [laptop, phone, tablet, other] = yield* Effect.all([
        testClient(storeApp),
        testClient(storeApp),
        testClient(storeApp),
        testClient(storeApp)
      ])
      for (const device of [laptop, phone, tablet]) yield* device.get("/login/1")
      yield* other.get("/login-steve")
      const listed = JSON.parse((yield* laptop.get("/sessions")).body) as Array<{ current: boolean }>
      assert.strictEqual(listed.length, 3)
      assert.strictEqual(listed.filter((s) => s.current).length, 1)

      assert.strictEqual((yield* phone.get("/logout-others")).body, "2")
      assert.strictEqual((yield* laptop.get("/username")).body, "Anonymous")
      assert.strictEqual((yield* tablet.get("/username")).body, "Anonymous")
      assert.strictEqual((yield* phone.get("/username")).body, "Notch")

      yield* laptop.get("/login/1")
      assert.strictEqual((yield* phone.get("/logout-everywhere")).body, "1")
      assert.strictEqual((yield* laptop.get("/username")).body, "Anonymous")
      assert.strictEqual((yield* phone.get("/username")).body, "Anonymous")
      assert.strictEqual((yield* other.get("/username")).body, "Steve")
    }).pipe(Effect.provide(storeLayer())))

  it.effect("a failing store answers 503 where the session is used, and nowhere else", () =>
    Effect.gen(function*() {
      const client = yield* testClient(storeApp)
      client.cookies.set("session", "a".repeat(43))
      const used = yield* client.get("/username")
      assert.strictEqual(used.status, 503)
      assert.strictEqual(used.body, "Service Unavailable")
      assert.strictEqual((yield* client.get("/")).body, "Welcome!")
    }).pipe(
      Effect.provide(
        withUsers(LoginManager.layerStore({ secretKey, cookie: { secure: false } })).pipe(
          Layer.provide(Layer.succeed(SessionStore.SessionStore, {
            ...SessionStore.makeMemory(),
            get: () => Effect.fail(new LoginError.SessionStoreError({ operation: "get", cause: "connection refused" }))
          }))
        )
      )
    ))

  it.effect("a request still running when its session is ended elsewhere does not bring it back", () =>
    Effect.gen(function*() {
      const [laptop, phone] = yield* Effect.all([testClient(storeApp), testClient(storeApp)])
      yield* laptop.get("/login/1")
      yield* phone.get("/login/1")
      gate = yield* Deferred.make<void>()
      // The laptop's request has read its session and will write to it…
      const slow = yield* Effect.fork(laptop.get("/slow-set-bar"))
      yield* Effect.yieldNow()
      // …when the phone logs out everywhere.
      assert.strictEqual((yield* phone.get("/logout-everywhere")).body, "1")
      yield* Deferred.succeed(gate, void 0)
      const written = yield* Fiber.join(slow)
      gate = undefined
      assert.isTrue(written.setCookies.some((line) => line.startsWith("session=;")))
      assert.deepStrictEqual(yield* sessionsOf("1"), [])
      assert.strictEqual((yield* laptop.get("/username")).body, "Anonymous")
      assert.strictEqual((yield* laptop.get("/bar")).body, "")
    }).pipe(Effect.provide(storeLayer())))

  it.effect("a store that fails while saving answers 503 and sets no cookie", () =>
    Effect.gen(function*() {
      const client = yield* testClient(storeApp)
      const response = yield* client.get("/login/1")
      assert.strictEqual(response.status, 503)
      assert.deepStrictEqual(response.setCookies, [])
      assert.strictEqual((yield* client.get("/username")).body, "Anonymous")
    }).pipe(
      Effect.provide(
        withUsers(LoginManager.layerStore({ secretKey, cookie: { secure: false } })).pipe(
          Layer.provide(Layer.succeed(SessionStore.SessionStore, {
            ...SessionStore.makeMemory(),
            set: () => Effect.fail(new LoginError.SessionStoreError({ operation: "set", cause: "read-only replica" }))
          }))
        )
      )
    ))

  it.effect("writes that never stop conflicting give up with 503 rather than loop", () =>
    Effect.gen(function*() {
      const client = yield* testClient(storeApp)
      yield* client.get("/login/1")
      conflicting = true
      const response = yield* client.get("/set-foo/x")
      conflicting = false
      assert.strictEqual(response.status, 503)
      assert.isAtMost(writes, 6)
    }).pipe(
      Effect.provide(
        withUsers(LoginManager.layerStore({ secretKey, cookie: { secure: false } })).pipe(
          Layer.provide(Layer.sync(SessionStore.SessionStore, () => {
            const memory = SessionStore.makeMemory()
            return {
              ...memory,
              // Another writer always gets there first, with data of its own.
              set: (key, session, expected) => {
                if (!conflicting) return memory.set(key, session, expected)
                writes++
                return Effect.as(
                  Effect.flatMap(memory.get(key), (current) =>
                    Option.isNone(current) ? Effect.void : Effect.asVoid(memory.set(key, {
                      ...current.value,
                      data: JSON.stringify({ id: "other", userId: "1", data: { n: writes }, issuedAt: 1 }),
                      version: current.value.version + 1
                    }, current.value.version))),
                  false
                )
              }
            } satisfies SessionStore.SessionStore
          }))
        )
      )
    ))

  it.effect("a stored session is capped in bytes (maxSessionBytes): a typed error, and the old session stays", () =>
    Effect.gen(function*() {
      const client = yield* testClient(storeApp)
      yield* client.get("/login/1")
      assert.strictEqual((yield* client.get("/set-big/4000")).body, "ok", "a store holds more than a cookie")
      const response = yield* client.get("/set-big/9000")
      assert.strictEqual(response.status, 500)
      assert.match(response.body, /over its limit of 8000 bytes/)
      const [stored] = yield* sessionsOf("1")
      assert.isBelow(stored!.session.data.length, 8000)
      assert.strictEqual((yield* client.get("/username")).body, "Notch")
    }).pipe(Effect.provide(storeLayer({ maxSessionBytes: 8000 }))))

  it.effect("flashes pile up no more: the same message once, however many anonymous hits", () =>
    Effect.gen(function*() {
      const client = yield* testClient(storeApp)
      for (let i = 0; i < 50; i++) yield* client.get("/flash/again")
      assert.deepStrictEqual(JSON.parse((yield* client.get("/flashes")).body), [["info", "again"]])
    }).pipe(Effect.provide(storeLayer())))

  it.effect("two session cookies in one request: anonymous, and the store is not asked", () =>
    Effect.gen(function*() {
      const client = yield* testClient(storeApp)
      yield* client.get("/login/1")
      const id = client.cookies.get("session")!
      const response = yield* client.get("/username", { headers: { cookie: `session=${id}; session=${id}` } })
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.body, "Anonymous")
      assert.isTrue(response.setCookies.some((line) => line.startsWith("session=;")))
    }).pipe(Effect.provide(storeLayer())))

  it.effect("the memory store keeps at most maxSessions, dropping the oldest, in constant time", () =>
    Effect.gen(function*() {
      const store = SessionStore.makeMemory({ maxSessions: 2 })
      const session = (expiresAt: number, version = 0) => ({ data: "{}", version, createdAt: 0, expiresAt })
      yield* store.set("oldest", session(9_000), undefined)
      yield* store.set("later", session(3_000), undefined)
      // An update keeps a session's place.
      yield* store.set("oldest", session(9_000, 1), 0)
      yield* store.set("latest", session(5_000), undefined)
      assertNone(yield* store.get("oldest"))
      assert.isTrue(Option.isSome(yield* store.get("later")))
      assert.isTrue(Option.isSome(yield* store.get("latest")))
      // 100,000 sessions over a cap of 1,000: each insertion stays cheap.
      const big = SessionStore.makeMemory({ maxSessions: 1_000 })
      const started = performance.now()
      for (let i = 0; i < 100_000; i++) yield* big.set(`k${i}`, session(10_000 + i), undefined)
      assert.isBelow(performance.now() - started, 5_000)
      assertNone(yield* big.get("k98999"))
      assert.isTrue(Option.isSome(yield* big.get("k99000")))
    }))
})
