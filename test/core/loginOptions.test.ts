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

  it("says how to fix a short secret", () => {
    assert.strictEqual(
      core.problem({}, ["short"], undefined),
      "SECRET_KEY is 5 bytes, too short to sign sessions safely: set it to at least 32 random bytes, for example " +
        "the output of `openssl rand -base64 32`"
    )
  })

  it("store limits: each of them, zero and fractions refused; a store without remember options is fine", () => {
    const server = { maxBytes: 1, maxPerUser: 1 }
    assert.isUndefined(core.problem({}, [secret], server))
    assert.isUndefined(core.problem({ remember: {} }, [secret], server))
    assert.strictEqual(
      core.problem({}, [secret], { ...server, maxBytes: 0 }),
      "Invalid maxSessionBytes 0: a positive integer"
    )
    assert.strictEqual(
      core.problem({}, [secret], { ...server, maxBytes: 1.5 }),
      "Invalid maxSessionBytes 1.5: a positive integer"
    )
    assert.strictEqual(
      core.problem({}, [secret], { ...server, maxPerUser: 0 }),
      "Invalid maxSessionsPerUser 0: a positive integer"
    )
    assert.strictEqual(
      core.problem({ remember: { refreshEachRequest: true } }, [secret], server),
      "remember.refreshEachRequest (REMEMBER_COOKIE_REFRESH_EACH_REQUEST) cannot be used with a session store: " +
        "a remember token there has a fixed lifetime, which its use never extends, so that a copied token cannot " +
        "be kept alive. Remove the option, or lengthen remember.duration."
    )
  })

  it("views: the login view is checked too, other schemes refused, the problem named", () => {
    assert.strictEqual(
      core.problem({ loginView: "//evil.example" }, [secret], undefined),
      "Invalid loginView (LOGIN_VIEW) \"//evil.example\": use a path on this site (\"/login\") or an absolute " +
        "http(s) URL (\"https://auth.example.com/login\")"
    )
    for (const view of ["ftp://auth.example.com/login", "data:text/html,x", "http//x"]) {
      assert.match(core.problem({ loginView: view }, [secret], undefined)!, /^Invalid loginView/, view)
    }
    assert.isUndefined(core.problem({ loginView: "http://auth.example.com/login" }, [secret], undefined))
  })

  it("trusted origins: not a URL, a query or a fragment is a problem, named", () => {
    assert.deepStrictEqual(core.trustedOrigins(["not a url"]), {
      _tag: "Problem",
      problem: "Invalid csrf.trustedOrigins (CSRF_TRUSTED_ORIGINS) entry \"not a url\": an origin is an http(s) " +
        "scheme and host, like \"https://admin.example.com\""
    })
    for (const entry of ["https://a.test/?x=1", "https://a.test/#x", "ws://a.test"]) {
      assert.strictEqual(core.trustedOrigins([entry])._tag, "Problem", entry)
    }
  })

  it("cookies: each rule of the prefixes, and the messages", () => {
    assert.strictEqual(
      core.cookieProblem("session", "s", { sameSite: "none" }),
      "A SameSite=None session cookie must also be Secure"
    )
    assert.isUndefined(core.cookieProblem("session", "s", undefined))
    assert.isUndefined(core.cookieProblem("session", "s", { secure: false }))
    const host = "Invalid session cookie __Host-s: a __Host- cookie must be Secure, with Path=/ and no Domain"
    assert.strictEqual(core.cookieProblem("session", "__Host-s", undefined), host)
    assert.strictEqual(core.cookieProblem("session", "__Host-s", { path: "/" }), host)
    assert.strictEqual(core.cookieProblem("session", "__Host-s", { secure: true, path: "/", domain: "a.test" }), host)
    assert.strictEqual(
      core.cookieProblem("remember", "__Secure-r", { secure: false }),
      "Invalid remember cookie __Secure-r: a __Secure- cookie must be Secure"
    )
    assert.isUndefined(core.cookieProblem("remember", "__Secure-r", { secure: true }))
  })

  it("a cookie without a name is __Host- where the prefix's rules hold, and never with Flask migration", () => {
    const secure = { secure: true, path: "/" }
    assert.strictEqual(core.defaultCookieName("session", secure, false), "__Host-session")
    assert.strictEqual(core.defaultCookieName("session", { ...secure, secure: false }, false), "session")
    assert.strictEqual(core.defaultCookieName("session", { path: "/" }, false), "session")
    assert.strictEqual(core.defaultCookieName("session", { ...secure, path: "/app" }, false), "session")
    assert.strictEqual(core.defaultCookieName("session", { ...secure, domain: "example.com" }, false), "session")
    assert.strictEqual(core.defaultCookieName("remember_token", secure, true), "remember_token")
    // What it names, the start-up check accepts.
    assert.isUndefined(core.cookieProblem("session", core.defaultCookieName("session", secure, false), secure))
  })
})
