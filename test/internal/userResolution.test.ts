import { HttpServerRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Option, Redacted } from "effect"
import { type LoginEvents, RememberCookie, type UserLoader } from "effect-login"
import type * as sessionData from "../../src/core/sessionData.js"
import { SessionJournal } from "../../src/core/sessionJournal.js"
import type { Config } from "../../src/internal/loginConfig.js"
import type * as persistence from "../../src/internal/persistence.js"
import * as rememberMe from "../../src/internal/rememberMe.js"
import * as userResolution from "../../src/internal/userResolution.js"

interface User {
  readonly id: string
  readonly stamp: string
}
const users = new Map<string, User>([["alice", { id: "alice", stamp: "s1" }], ["bob", { id: "bob", stamp: "s2" }]])
const remember: rememberMe.Settings = {
  name: "remember_token",
  options: { path: "/" },
  durationMillis: 1_000_000,
  refreshEachRequest: false,
  absoluteMillis: 365 * 24 * 3_600_000,
  codec: RememberCookie.make({ secretKey: Redacted.make("resolution-test-secret-0123456789abcdef") }),
  store: undefined
}

const setup = (options: {
  readonly session?: Partial<sessionData.SessionData>
  readonly cookie?: string
  readonly authorization?: string
  readonly protection?: "basic" | "strong"
}) => {
  const loads: Array<string> = []
  const events: Array<LoginEvents.LoginEvent> = []
  const loader: UserLoader.UserLoader = {
    key: "test/Users",
    load: (id) => Exit.succeed(Option.fromNullable(users.get((loads.push(id), id)))),
    id: (user) => (user as User).id,
    isActive: () => true,
    securityStamp: (user) => (user as User).stamp,
    requestLoaders: [{
      name: "bearer",
      load: (request) => Exit.succeed(Option.fromNullable(users.get(request.headers.authorization ?? "")))
    }]
  }
  const config = {
    loader,
    remember,
    protection: options.protection ?? "basic",
    client: (request: HttpServerRequest.HttpServerRequest) => request.headers["user-agent"] ?? "",
    stampHashes: (stamp: string) => [`#${stamp}`],
    flask: undefined
  } as unknown as Config
  const request = HttpServerRequest.fromWeb(
    new Request("http://app.example/", {
      headers: {
        "user-agent": "browser-1",
        ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
        ...(options.authorization === undefined ? {} : { authorization: options.authorization })
      }
    })
  )
  const data = options.session === undefined ? undefined : { id: "s", issuedAt: 1, ...options.session }
  const loaded: persistence.Loaded = {
    data,
    raw: undefined,
    presented: data !== undefined,
    rejected: false,
    stale: false
  }
  const journal = new SessionJournal(loaded, 100)
  const resolver: userResolution.Resolver = {
    config,
    request,
    migrated: undefined,
    remember: new rememberMe.RememberState(request.headers.cookie, remember, undefined),
    publish: (event) => void events.push(event),
    write: (journal, mutation, rotate) => {
      journal.apply(mutation, { rotate: rotate ?? false })
      return Exit.void
    }
  }
  const outcome = userResolution.resolve(resolver, journal, 100)
  return { outcome, loads, events, journal, resolver }
}
const rememberCookie = (userId: string, stamp: string) =>
  `remember_token=${remember.codec.encode({ userId, expiresAt: 1e6, duration: 1e6, stamp: `#${stamp}` })}`
const tags = (events: ReadonlyArray<LoginEvents.LoginEvent>) => events.map((event) => event._tag)

describe("userResolution", () => {
  it("the session's login: found synchronously, with one loader call", () => {
    const { loads, outcome } = setup({ session: { userId: "alice", client: "browser-1", stamp: "#s1" } })
    assert.isTrue(Exit.isExit(outcome))
    const found = Effect.runSync(outcome)
    assert.deepStrictEqual(found._tag === "Found" ? [found.via, (found.user as User).id] : [], ["session", "alice"])
    assert.deepStrictEqual(loads, ["alice"])
  })

  it("strong protection, another client: the login ends here, nobody is loaded, the remember cookie is cleared", () => {
    const { events, journal, loads, outcome, resolver } = setup({
      session: { userId: "alice", client: "browser-2", stamp: "#s1", data: { cart: 1 } },
      cookie: rememberCookie("alice", "s1"),
      protection: "strong"
    })
    assert.strictEqual(Effect.runSync(outcome)._tag, "Ended")
    assert.deepStrictEqual(loads, [])
    assert.isUndefined(journal.data?.userId)
    assert.deepStrictEqual(journal.data?.data, { cart: 1 })
    assert.isTrue(resolver.remember.cleared)
    assert.deepStrictEqual(tags(events), ["SessionProtected"])
  })

  it("basic protection, another client: still logged in, no longer fresh", () => {
    const { events, journal, outcome } = setup({
      session: { userId: "alice", client: "browser-2", stamp: "#s1", fresh: true }
    })
    assert.strictEqual(Effect.runSync(outcome)._tag, "Found")
    assert.strictEqual(journal.data?.fresh, false)
    assert.deepStrictEqual(tags(events), ["SessionProtected"])
  })

  it("a login made without a client is bound to the first one that uses it", () => {
    const { journal, outcome } = setup({ session: { userId: "alice", stamp: "#s1" } })
    assert.strictEqual(Effect.runSync(outcome)._tag, "Found")
    assert.strictEqual(journal.data?.client, "browser-1")
  })

  it("a changed stamp ends the session's login; the next source is asked", () => {
    const { journal, loads, outcome } = setup({
      session: { userId: "alice", client: "browser-1", stamp: "#old" },
      authorization: "bob"
    })
    const found = Effect.runSync(outcome)
    assert.strictEqual(found._tag === "Found" ? found.via : found._tag, "request")
    assert.isUndefined(journal.data?.userId)
    assert.deepStrictEqual(loads, ["alice"])
  })

  it("the remember cookie restores a login that is not fresh, under a new identity", () => {
    const { events, journal, outcome } = setup({ cookie: rememberCookie("bob", "s2") })
    const found = Effect.runSync(outcome)
    assert.strictEqual(found._tag === "Found" ? found.via : found._tag, "remember")
    assert.strictEqual(journal.data?.userId, "bob")
    assert.strictEqual(journal.data?.fresh, false)
    assert.strictEqual(journal.data?.client, "browser-1")
    assert.isTrue(journal.change().rotate)
    assert.deepStrictEqual(tags(events), ["LoadedFromCookie"])
  })

  it("a remember cookie made under another stamp, or an invalid one, is cleared and logs nobody in", () => {
    for (const cookie of [rememberCookie("bob", "old"), "remember_token=forged"]) {
      const { outcome, resolver } = setup({ cookie })
      assert.strictEqual(Effect.runSync(outcome)._tag, "Continue")
      assert.isTrue(resolver.remember.cleared)
    }
  })

  it("the session wins over the remember cookie, and over the request loaders", () => {
    const { loads, outcome } = setup({
      session: { userId: "alice", client: "browser-1", stamp: "#s1" },
      cookie: rememberCookie("bob", "s2"),
      authorization: "bob"
    })
    const found = Effect.runSync(outcome)
    assert.strictEqual(found._tag === "Found" ? (found.user as User).id : found._tag, "alice")
    assert.deepStrictEqual(loads, ["alice"])
  })

  it("nobody: Continue, with no loader call", () => {
    const { loads, outcome } = setup({})
    assert.strictEqual(Effect.runSync(outcome)._tag, "Continue")
    assert.deepStrictEqual(loads, [])
  })
})
