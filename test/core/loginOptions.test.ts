import { assert, describe, it } from "@effect/vitest"
import * as core from "../../src/core/loginOptions.js"

const secret = "x".repeat(core.minSecretBytes)

describe("loginOptionsCore", () => {
  it("names the first secret that is empty or too short", () => {
    assert.isUndefined(core.problem({}, [secret, secret], undefined))
    assert.match(core.problem({}, [""], undefined)!, /^SECRET_KEY is empty/)
    assert.match(core.problem({}, [secret, secret, "short"], undefined)!, /^previous secret key #2 is 5 bytes/)
  })

  it("store limits are positive integers; refreshEachRequest is refused with a store only", () => {
    const server = { maxBytes: 1, maxPerUser: 1 }
    assert.strictEqual(
      core.problem({}, [secret], { ...server, maxPerUser: 1.5 }),
      "Invalid maxSessionsPerUser 1.5: a positive integer"
    )
    assert.match(core.problem({ remember: { refreshEachRequest: true } }, [secret], server)!, /cannot be used with/)
    assert.isUndefined(core.problem({ remember: { refreshEachRequest: true } }, [secret], undefined))
  })

  it("views are paths on this site or absolute http(s) URLs", () => {
    for (const view of ["/login", "https://auth.example.com/login"]) {
      assert.isUndefined(core.problem({ loginView: view }, [secret], undefined))
    }
    for (const view of ["//evil.example", "javascript:alert(1)", "login"]) {
      assert.match(core.problem({ refreshView: view }, [secret], undefined)!, /^Invalid refreshView/)
    }
  })

  it("trusted origins are bare http(s) origins, normalized", () => {
    assert.deepStrictEqual(core.trustedOrigins(["HTTPS://Admin.Example.com", "http://a.test:8080/"]), {
      _tag: "Origins",
      origins: ["https://admin.example.com", "http://a.test:8080"]
    })
    assert.strictEqual(core.trustedOrigins(["https://a.test/path"])._tag, "Problem")
    assert.strictEqual(core.trustedOrigins(["ftp://a.test"])._tag, "Problem")
  })

  it("cookies: SameSite=None needs Secure; __Host- and __Secure- prefixes keep their rules", () => {
    assert.isDefined(core.cookieProblem("session", "s", { sameSite: "none" }))
    assert.isUndefined(core.cookieProblem("session", "s", { sameSite: "none", secure: true }))
    assert.isDefined(core.cookieProblem("session", "__Host-s", { secure: true, path: "/x" }))
    assert.isUndefined(core.cookieProblem("session", "__Host-s", { secure: true, path: "/" }))
    assert.isDefined(core.cookieProblem("session", "__Secure-s", undefined))
  })
})
