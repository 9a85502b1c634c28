import { HttpServerResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Redacted } from "effect"
import { FlaskCompat, RememberCookie } from "effect-login"
import * as rememberMe from "../../src/internal/rememberMe.js"

const secretKey = Redacted.make("remember-test-secret-0123456789abcdef")
const settings = (refreshEachRequest = false): rememberMe.Settings => ({
  name: "remember_token",
  options: { path: "/", httpOnly: true, secure: true, sameSite: "lax" },
  durationMillis: 1_000_000,
  refreshEachRequest,
  absoluteMillis: 20_000,
  codec: RememberCookie.make({ secretKey }),
  store: undefined
})
const token = (userId = "alice", expiresAt = 10_000) => ({ userId, expiresAt, duration: 5_000 })
const cookie = (value: string) => `other=1; remember_token=${value}`

describe("rememberMe", () => {
  it("reads what the request's cookie says", () => {
    const s = settings()
    const valid = s.codec.encode(token())
    assert.strictEqual(rememberMe.read(undefined, s, undefined, 0)._tag, "Absent")
    assert.strictEqual(rememberMe.read("other=1", s, undefined, 0)._tag, "Absent")
    assert.strictEqual(rememberMe.read(cookie("garbage"), s, undefined, 0)._tag, "Invalid")
    assert.strictEqual(rememberMe.read(`${cookie(valid)}; remember_token=${valid}`, s, undefined, 0)._tag, "Invalid")
    assert.strictEqual(rememberMe.read(cookie(valid), s, undefined, 10_000)._tag, "Invalid") // expired
    const read = rememberMe.read(cookie(valid), s, undefined, 0)
    assert.strictEqual(rememberMe.userIdOf(read), "alice")
  })

  it("reads a Flask-Login remember cookie only with flaskCompat, as a legacy login", () => {
    const flask = FlaskCompat.encodeRememberCookie("42", secretKey)
    assert.strictEqual(rememberMe.read(cookie(flask), settings(), undefined, 0)._tag, "Invalid")
    const legacy = rememberMe.read(cookie(flask), settings(), { secretKey, until: new Date(1_000) }, 0)
    assert.strictEqual(legacy._tag, "Legacy")
    assert.strictEqual(rememberMe.userIdOf(legacy), "42")
  })

  it("refreshes only with refreshEachRequest, only a valid cookie of the same user", () => {
    const valid = rememberMe.Incoming.Valid({ token: token(), stale: false })
    assert.isUndefined(rememberMe.refresh(valid, "alice", settings(false), 100))
    assert.isUndefined(rememberMe.refresh(valid, "bob", settings(true), 100))
    assert.isUndefined(
      rememberMe.refresh(rememberMe.Incoming.Legacy({ userId: "alice" }), "alice", settings(true), 100)
    )
    const refreshed = rememberMe.refresh(valid, "alice", settings(true), 100)
    assert.strictEqual(refreshed?._tag === "Set" ? refreshed.token.expiresAt : undefined, 5_100)
  })

  it("a refreshed token never lives past absoluteMillis after its login, however often it is used", () => {
    const issued = rememberMe.issue(settings(true), "alice", undefined, 1_000, 5_000)
    if (issued._tag !== "Set") return assert.fail("not a stateless token")
    assert.strictEqual(issued.token.issuedAt, 1_000)
    let current = issued.token
    const expiries: Array<number> = []
    // Used every 4 s, within its 5 s duration, for 28 s: refreshed each time, up to 1 s + 20 s.
    for (let now = 5_000; now <= 29_000; now += 4_000) {
      const incoming = rememberMe.Incoming.Valid({ token: current, stale: false })
      const refreshed = rememberMe.refresh(incoming, "alice", settings(true), now)
      if (refreshed?._tag !== "Set") return assert.fail(`not refreshed at ${now}`)
      current = refreshed.token
      expiries.push(current.expiresAt)
    }
    assert.deepStrictEqual(expiries, [10_000, 14_000, 18_000, 21_000, 21_000, 21_000, 21_000])
    // And the cookie is then refused: it expired.
    const s = settings(true)
    assert.strictEqual(rememberMe.read(cookie(s.codec.encode(current)), s, undefined, 21_000)._tag, "Invalid")
  })

  it("a token issued before issuedAt existed is capped from its first refresh", () => {
    const old = rememberMe.Incoming.Valid({ token: token("alice", 10_000), stale: false })
    const refreshed = rememberMe.refresh(old, "alice", settings(true), 8_000)
    assert.strictEqual(refreshed?._tag === "Set" ? refreshed.token.issuedAt : undefined, 8_000)
    assert.strictEqual(refreshed?._tag === "Set" ? refreshed.token.expiresAt : undefined, 13_000)
  })

  it("RememberState: a logout clears a cookie that came, and cancels one about to be set", () => {
    const s = settings()
    const came = new rememberMe.RememberState(cookie(s.codec.encode(token())), s, undefined)
    came.logout(0)
    assert.isTrue(came.cleared)
    const none = new rememberMe.RememberState(undefined, s, undefined)
    none.issue("alice", undefined, 0, 1000)
    assert.strictEqual(none.outgoing?._tag, "Set")
    none.logout(0)
    assert.isUndefined(none.outgoing)
  })

  it("RememberState: refresh never overrides what the response already does", () => {
    const s = settings(true)
    const state = new rememberMe.RememberState(cookie(s.codec.encode(token())), s, undefined)
    state.clear()
    state.refresh("alice", 100)
    assert.isTrue(state.cleared)
  })

  it("writes a Set as a cookie with Max-Age, a Clear as an expired cookie with the same attributes", () => {
    const s = settings()
    const set = rememberMe.write(HttpServerResponse.empty(), rememberMe.issue(s, "alice", "st", 0, 60_000), s)
    const written = set.cookies.cookies["remember_token"]!
    assert.strictEqual(written.options?.path, "/")
    assert.strictEqual(Duration.toMillis(written.options!.maxAge!), 60_000)
    const decoded = s.codec.decode(written.value, 0)
    assert.strictEqual(decoded._tag === "Right" ? decoded.right.token.stamp : undefined, "st")
    const cleared = rememberMe.write(HttpServerResponse.empty(), rememberMe.clear, s).cookies.cookies["remember_token"]!
    assert.strictEqual(cleared.value, "")
    assert.strictEqual(cleared.options?.path, "/")
    assert.isTrue(cleared.options?.secure)
    assert.strictEqual(
      rememberMe.write(HttpServerResponse.empty(), undefined, s).cookies.cookies["remember_token"],
      undefined
    )
  })
})
