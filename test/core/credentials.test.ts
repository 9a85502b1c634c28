import { assert, describe, it } from "@effect/vitest"
import * as credentials from "../../src/core/credentials.js"

const request = (headers: Record<string, string>, url = "/") => ({ headers, url })

describe("credentialsCore", () => {
  it("reads a Bearer token, a header and a query parameter from plain requests", () => {
    assert.strictEqual(credentials.bearer(request({ authorization: "BEARER abc" })), "abc")
    assert.isUndefined(credentials.bearer(request({ authorization: "Basic abc" })))
    assert.strictEqual(credentials.header("x-api-key")(request({ "x-api-key": "k" })), "k")
    assert.strictEqual(credentials.query("token")(request({}, "/a?x=1&token=t%20u")), "t u")
    assert.isUndefined(credentials.query("token")(request({}, "/a")))
  })

  it("an absent or blank credential is none; others are trimmed", () => {
    assert.isUndefined(credentials.present(undefined))
    assert.isUndefined(credentials.present("  "))
    assert.strictEqual(credentials.present(" k "), "k")
  })
})
