import { assert, describe, it } from "@effect/vitest"
import * as core from "../../src/core/requestSession.js"

const login = { id: "s", userId: "u", issuedAt: 0, fresh: true, freshAt: 1_000 }

describe("requestSessionCore", () => {
  it("a login is fresh from a login form, within freshMaxAge", () => {
    assert.isTrue(core.isFresh(login, false, undefined, 9_999_999))
    assert.isTrue(core.isFresh(login, false, 500, 1_499))
    assert.isFalse(core.isFresh(login, false, 500, 1_500))
    assert.isFalse(core.isFresh(login, true, undefined, 0))
    assert.isFalse(core.isFresh({ ...login, fresh: false }, false, undefined, 0))
    assert.isFalse(core.isFresh({ id: "s", issuedAt: 0, fresh: true }, false, undefined, 0))
    const { freshAt: _, ...noTime } = login
    assert.isFalse(core.isFresh(noTime, false, 500, 0))
  })

  it("reads the application's own keys only", () => {
    const data = { ...login, data: { cart: 0 } }
    assert.deepStrictEqual(core.valueOf(data, "cart"), { value: 0 })
    assert.isUndefined(core.valueOf(data, "toString"))
    assert.isUndefined(core.valueOf(undefined, "cart"))
  })

  it("picks the refusal's view, and says when other devices are out of reach", () => {
    assert.strictEqual(core.loginViewOf(undefined, "/login"), "/login")
    assert.isUndefined(core.loginViewOf(null, "/login"))
    assert.strictEqual(core.loginViewOf("/other", "/login"), "/other")
    assert.isFalse(core.canReachOthers(false, false))
    assert.isTrue(core.canReachOthers(false, true))
    assert.isTrue(core.canReachOthers(true, false))
  })
})
