/**
 * The errors module: one refinement for every error of the package, the
 * store errors answered with 503 (never the cause), and messages that say
 * what happened.
 */
import { LoginError } from "@effect-login/effect4"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { HttpServerRespondable } from "effect/http"

const errors = [
  new LoginError.UserLoaderError({ cause: new Error("connection refused") }),
  new LoginError.SessionStoreError({ operation: "get", cause: new Error("ETIMEDOUT") }),
  new LoginError.SessionTooLarge({ bytes: 5000, limit: 4096 }),
  new LoginError.LoginConfigError({ message: "secretKey is missing: set SECRET_KEY" })
] as const

describe("LoginError", () => {
  it("isLoginError holds for every error of the package, and for nothing else", () => {
    for (const error of errors) assert.isTrue(LoginError.isLoginError(error), error._tag)
    assert.isFalse(LoginError.isLoginError(new Error("other")))
    assert.isFalse(LoginError.isLoginError({ _tag: "SessionStoreError" }))
    assert.isFalse(LoginError.isLoginError(null))
  })

  it("the messages say what happened", () => {
    assert.deepStrictEqual(errors.map((error) => error.message), [
      "The user store is unavailable",
      "The session store failed (get): ETIMEDOUT",
      "The session would be 5000 bytes, over its limit of 4096 bytes (a cookie: what browsers accept; a store: " +
      "maxSessionBytes); keep large data out of the session",
      "secretKey is missing: set SECRET_KEY"
    ])
  })

  it.effect("a failing store answers 503, without its cause", () =>
    Effect.gen(function*() {
      for (const error of [errors[0], errors[1]]) {
        const response = yield* HttpServerRespondable.toResponse(error)
        assert.strictEqual(response.status, 503)
        assert.notInclude(JSON.stringify(response.body), "ETIMEDOUT")
        assert.notInclude(JSON.stringify(response.body), "connection refused")
      }
    }))
})
