/**
 * Server-side remember-me tokens, end to end over HTTP (in-process, memory
 * store, TestClock): with a store, a remember cookie is a series the server
 * can end, and a logout, "log out other devices", "log out everywhere" or a
 * copied cookie's reuse ends it. (The store-level cases run on every store in
 * test/utils/SessionStoreSuite.ts.)
 */
import { HttpRouter, HttpServerResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Queue, TestClock } from "effect"
import { LoginError, LoginEvents, LoginManager, RememberCookie, Session, SessionStore } from "effect-login"
import { type TestClient, testClient } from "./utils/client.js"
import { routes, secretKey, withUsers } from "./utils/fixtures.js"

const app = HttpRouter.empty.pipe(
  HttpRouter.get("/sessions", Effect.flatMap(Session.listSessions, (sessions) => HttpServerResponse.json(sessions))),
  HttpRouter.get("/logout-others", Effect.flatMap(Session.logoutOtherDevices, (n) => HttpServerResponse.json(n))),
  HttpRouter.get("/logout-everywhere", Effect.flatMap(Session.logoutEverywhere, (n) => HttpServerResponse.json(n))),
  HttpRouter.get("/is-remembered", Effect.map(Session.isRemembered, (r) => HttpServerResponse.text(String(r)))),
  HttpRouter.concat(routes),
  LoginManager.middleware
)

const storeLayer = (store: SessionStore.SessionStore = SessionStore.makeMemory()) =>
  withUsers(LoginManager.layerStore({ secretKey, cookie: { secure: false }, remember: { secure: false } })).pipe(
    Layer.provideMerge(Layer.succeed(SessionStore.SessionStore, store))
  )

const device = (userAgent: string) =>
  Effect.map(testClient(app), (client): TestClient => ({
    ...client,
    get: (path, init) => client.get(path, { ...init, headers: { "user-agent": userAgent, ...init?.headers } })
  }))

/** The browser was closed: only the persistent remember cookie is left. */
const closeBrowser = (client: TestClient) => Effect.sync(() => client.cookies.delete("session"))

/** What a thief copied: the remember cookie alone, presented from another browser. */
const replay = (remember: string) =>
  Effect.flatMap(testClient(app), (thief) => {
    thief.cookies.set("remember_token", remember)
    return Effect.map(thief.get("/username"), (response) => response.body)
  })

const username = (client: TestClient) => Effect.map(client.get("/username"), (response) => response.body)

describe("server-side remember tokens", () => {
  it.effect("the cookie is a random selector and validator, and each use rotates it without extending it", () =>
    Effect.gen(function*() {
      const laptop = yield* device("Laptop/1.0")
      const login = yield* laptop.get("/login/1?remember=1")
      const issued = laptop.cookies.get("remember_token")!
      // A 128-bit selector and the user's tag ("1": 356a), a 256-bit validator.
      assert.match(issued, /^[\w-]{22}356a\.[\w-]{43}$/)
      assert.match(login.setCookies.find((line) => line.startsWith("remember_token="))!, /; Max-Age=2592000;/)

      yield* TestClock.adjust("10 days")
      yield* closeBrowser(laptop)
      const restored = yield* laptop.get("/username")
      assert.strictEqual(restored.body, "Notch")
      const rotated = laptop.cookies.get("remember_token")!
      assert.notStrictEqual(rotated, issued)
      assert.strictEqual(rotated.split(".")[0], issued.split(".")[0], "the same series")
      assert.match(restored.setCookies.find((line) => line.startsWith("remember_token="))!, /; Max-Age=1728000;/)
      assert.strictEqual(yield* Effect.map(laptop.get("/is-remembered"), (r) => r.body), "true")
    }).pipe(Effect.provide(storeLayer())))

  it.effect("a logout ends the remember token: a copy taken before logs nobody in", () =>
    Effect.gen(function*() {
      const laptop = yield* device("Laptop/1.0")
      yield* laptop.get("/login/1?remember=1")
      const copied = laptop.cookies.get("remember_token")!
      const logout = yield* laptop.get("/logout")
      assert.isTrue(logout.setCookies.some((line) => line.startsWith("remember_token=;")))
      assert.strictEqual(yield* replay(copied), "Anonymous")
    }).pipe(Effect.provide(storeLayer())))

  it.effect("a login without remember-me ends the series of an older remember cookie", () =>
    Effect.gen(function*() {
      const laptop = yield* device("Laptop/1.0")
      yield* laptop.get("/login/1?remember=1")
      const older = laptop.cookies.get("remember_token")!
      yield* laptop.get("/login/2")
      assert.isFalse(laptop.cookies.has("remember_token"))
      assert.strictEqual(yield* replay(older), "Anonymous")
    }).pipe(Effect.provide(storeLayer())))

  it.effect("log out other devices ends their remember tokens and keeps this browser's", () =>
    Effect.gen(function*() {
      const [laptop, phone] = yield* Effect.all([device("Laptop/1.0"), device("Phone/2.0")])
      yield* laptop.get("/login/1?remember=1")
      yield* phone.get("/login/1?remember=1")
      const phoneToken = phone.cookies.get("remember_token")!
      // Two sessions and two remember tokens end; the laptop's own pair is kept.
      assert.strictEqual((yield* laptop.get("/logout-others")).body, "2")
      yield* closeBrowser(phone)
      assert.strictEqual(yield* username(phone), "Anonymous")
      assert.strictEqual(yield* replay(phoneToken), "Anonymous")
      yield* closeBrowser(laptop)
      assert.strictEqual(yield* username(laptop), "Notch")
    }).pipe(Effect.provide(storeLayer())))

  it.effect("log out everywhere ends every remember token, with no security stamp to change", () =>
    Effect.gen(function*() {
      const [laptop, phone] = yield* Effect.all([device("Laptop/1.0"), device("Phone/2.0")])
      yield* laptop.get("/login/1?remember=1")
      yield* phone.get("/login/1?remember=1")
      const laptopToken = laptop.cookies.get("remember_token")!
      assert.strictEqual((yield* laptop.get("/logout-everywhere")).body, "2")
      assert.strictEqual(yield* replay(laptopToken), "Anonymous")
      yield* closeBrowser(phone)
      assert.strictEqual(yield* username(phone), "Anonymous")
      const store = yield* SessionStore.SessionStore
      assert.deepStrictEqual(yield* store.listByUser("1"), [])
    }).pipe(Effect.provide(storeLayer())))

  it.scoped("a copied token used after its owner's is theft: every login of the user ends, with an event", () =>
    Effect.gen(function*() {
      const events = yield* LoginEvents.subscribe
      const [laptop, phone] = yield* Effect.all([device("Laptop/1.0"), device("Phone/2.0")])
      yield* phone.get("/login/1")
      yield* laptop.get("/login/1?remember=1")
      const copied = laptop.cookies.get("remember_token")!
      // The owner comes back the next day: the token rotates.
      yield* TestClock.adjust("1 day")
      yield* closeBrowser(laptop)
      assert.strictEqual(yield* username(laptop), "Notch")
      // The thief's copy is the validator rotated away, long after the grace.
      yield* TestClock.adjust("1 hour")
      assert.strictEqual(yield* replay(copied), "Anonymous")
      // The owner's browsers are logged out too: the thief may have used the copy already.
      assert.strictEqual(yield* username(laptop), "Anonymous")
      assert.strictEqual(yield* username(phone), "Anonymous")
      const reused = Chunk.toReadonlyArray(yield* Queue.takeAll(events)).filter(
        LoginEvents.LoginEvent.$is("RememberTokenReused")
      )
      assert.deepStrictEqual(reused, [LoginEvents.LoginEvent.RememberTokenReused({ userId: "1" })])
    }).pipe(Effect.provide(storeLayer())))

  it.effect("the same token twice within the grace (a browser's concurrent requests) is not theft", () =>
    Effect.gen(function*() {
      const laptop = yield* device("Laptop/1.0")
      yield* laptop.get("/login/1?remember=1")
      const token = laptop.cookies.get("remember_token")!
      yield* closeBrowser(laptop)
      const [first, second] = yield* Effect.all([testClient(app), testClient(app)])
      first.cookies.set("remember_token", token)
      second.cookies.set("remember_token", token)
      assert.strictEqual(yield* username(first), "Notch")
      yield* TestClock.adjust("5 seconds")
      const late = yield* second.get("/username")
      assert.strictEqual(late.body, "Notch")
      assert.isFalse(late.setCookies.some((line) => line.startsWith("remember_token=")), "keeps the newer cookie")
      first.cookies.delete("session")
      assert.strictEqual(yield* username(first), "Notch", "the rotated token works")
    }).pipe(Effect.provide(storeLayer())))

  it.effect("list sessions shows remembered devices, which this browser's token is, and their browser", () =>
    Effect.gen(function*() {
      const [laptop, phone] = yield* Effect.all([device("Laptop/1.0"), device("Phone/2.0")])
      yield* laptop.get("/login/1?remember=1")
      yield* TestClock.adjust("1 minute")
      yield* phone.get("/login/1?remember=1")
      const listed = JSON.parse((yield* laptop.get("/sessions")).body) as ReadonlyArray<Session.SessionInfo>
      const remembered = listed.filter((info) => info.kind === "remember")
      assert.strictEqual(listed.length, 4)
      assert.deepStrictEqual(
        remembered.map((info) => [info.userAgent, info.current, info.expiresAt! - info.createdAt]).sort(),
        [["Laptop/1.0", true, 2_592_000_000], ["Phone/2.0", false, 2_592_000_000]]
      )
      assert.deepStrictEqual(listed.filter((info) => info.current).map((info) => info.kind).sort(), [
        "remember",
        "session"
      ])
    }).pipe(Effect.provide(storeLayer())))

  it.effect("a stateless token, valid under the same secret, is refused when a store is configured", () =>
    Effect.gen(function*() {
      const stateless = RememberCookie.make({ secretKey }).encode({
        userId: "1",
        expiresAt: Date.now() + 86_400_000,
        duration: 86_400_000
      })
      const client = yield* testClient(app)
      client.cookies.set("remember_token", stateless)
      const response = yield* client.get("/username")
      assert.strictEqual(response.body, "Anonymous")
      assert.isTrue(response.setCookies.some((line) => line.startsWith("remember_token=;")))
    }).pipe(Effect.provide(storeLayer())))

  it.effect("a store that cannot start the series answers 503 rather than pretend the user is remembered", () =>
    Effect.gen(function*() {
      const client = yield* testClient(app)
      const response = yield* client.get("/login/1?remember=1")
      assert.strictEqual(response.status, 503)
      assert.isFalse(response.setCookies.some((line) => line.startsWith("remember_token=")))
    }).pipe(Effect.provide(storeLayer(((memory) => ({
      ...memory,
      set: (key, session, expected) =>
        key.startsWith("remember.")
          ? Effect.fail(new LoginError.SessionStoreError({ operation: "set", cause: "read-only replica" }))
          : memory.set(key, session, expected)
    }))(SessionStore.makeMemory())))))
})
