/**
 * CSRF protection, on by default: state-changing requests with our cookies
 * must come from this site. Here, the module itself: the origin check, the
 * methods it applies to, and the exemption a route opts out with. The
 * protection of a login manager's routes (403, events, login CSRF) is tested
 * with the login manager.
 */
import * as Csrf from "@effect-login/effect4/Csrf"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Result } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"

describe("Csrf.verifyOrigin", () => {
  const request = (headers: Record<string, string>) =>
    HttpServerRequest.fromWeb(new Request("http://app.example:8080/x", { method: "POST", headers }))
  const verify = (
    headers: Record<string, string>,
    options: {
      readonly secure?: boolean
      readonly trustedOrigins?: ReadonlyArray<string>
      readonly allowMissing?: boolean
    } = {}
  ) =>
    Csrf.verifyOrigin(request({ host: "app.example:8080", ...headers }), {
      trustedOrigins: options.trustedOrigins ?? [],
      secure: options.secure ?? false,
      allowMissing: options.allowMissing
    })
  const check = (headers: Record<string, string>, secure = false) => Result.isSuccess(verify(headers, { secure }))

  it("compares the origin's host and port with the request's Host", () => {
    assert.isTrue(check({ origin: "http://app.example:8080" }))
    assert.isFalse(check({ origin: "http://app.example" }))
    assert.isFalse(check({ origin: "http://app.example:8081" }))
    assert.isFalse(check({ origin: "http://sub.app.example:8080" }))
    assert.isFalse(check({ referer: "javascript:alert(1)" }))
    assert.isFalse(check({ origin: "not a url" }))
  })

  it("names the methods it applies to", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "post"]) assert.isTrue(Csrf.isStateChanging(method))
    for (const method of ["GET", "HEAD", "OPTIONS", "TRACE"]) assert.isFalse(Csrf.isStateChanging(method))
  })

  // The verdicts behind the login manager's 403s (test/Csrf.test.ts of the Effect 3 line, over HTTP).
  it("same-origin requests pass: Origin, Sec-Fetch-Site, or Referer", () => {
    for (
      const headers of [
        { origin: "http://app.example:8080" },
        { "sec-fetch-site": "same-origin" },
        { "sec-fetch-site": "none" },
        { referer: "http://app.example:8080/settings?tab=1" }
      ]
    ) {
      assert.isTrue(Result.isSuccess(verify(headers)), JSON.stringify(headers))
    }
  })

  it("cross-site requests are refused with a reason", () => {
    for (
      const [headers, reason] of [
        [{ origin: "https://evil.example" }, `the Origin "https://evil.example" is not this site`],
        [{ origin: "null" }, `the Origin "null" is not this site`],
        [
          { origin: "http://app.example:8080.evil.example" },
          `the Origin "http://app.example:8080.evil.example" is not this site`
        ],
        [{ "sec-fetch-site": "cross-site" }, `Sec-Fetch-Site is "cross-site"`],
        [{ "sec-fetch-site": "same-site" }, `Sec-Fetch-Site is "same-site"`],
        [{ referer: "https://evil.example/page" }, "the Referer is not this site"],
        [{}, "the request has no Origin, Sec-Fetch-Site or Referer"],
        // Sec-Fetch-Site comes first (Go's order): a browser's cross-site says so, whatever Origin claims.
        [{ origin: "http://app.example:8080", "sec-fetch-site": "cross-site" }, `Sec-Fetch-Site is "cross-site"`]
      ] as const
    ) {
      assert.deepStrictEqual(verify(headers), Result.fail(reason), JSON.stringify(headers))
    }
  })

  it("trusted origins pass, also when Sec-Fetch-Site says cross-site", () => {
    const trustedOrigins = ["https://admin.example.com"]
    assert.isTrue(Result.isSuccess(verify({ origin: "https://admin.example.com" }, { trustedOrigins })))
    assert.isTrue(Result.isSuccess(verify({ origin: "https://admin.example.com/" }, { trustedOrigins })))
    assert.isTrue(
      Result.isSuccess(
        verify({ origin: "https://admin.example.com", "sec-fetch-site": "same-site" }, { trustedOrigins })
      )
    )
    assert.isTrue(Result.isSuccess(verify({ referer: "https://admin.example.com/page" }, { trustedOrigins })))
    assert.isTrue(Result.isFailure(verify({ origin: "https://other.example.com" }, { trustedOrigins })))
  })

  it("with Secure cookies, an http: origin of the same host is not this site", () => {
    assert.isFalse(check({ origin: "http://app.example:8080" }, true))
    assert.isTrue(check({ origin: "https://app.example:8080" }, true))
    assert.isFalse(check({ referer: "http://app.example:8080/page" }, true))
  })

  it("allowMissing lets a request with none of the headers through, and only that one", () => {
    assert.isTrue(Result.isSuccess(verify({}, { allowMissing: true })))
    assert.isTrue(Result.isFailure(verify({ origin: "https://evil.example" }, { allowMissing: true })))
  })
})

describe("Csrf.exempt", () => {
  it.effect("sets currentExempt for the effect it wraps, and only there", () =>
    Effect.gen(function*() {
      assert.isFalse(yield* Csrf.currentExempt)
      assert.isTrue(yield* Csrf.exempt(Csrf.currentExempt))
      assert.isFalse(yield* Csrf.currentExempt)
    }))

  it.effect("a route, or every route of a router, opts out", () =>
    Effect.gen(function*() {
      const seen = Effect.map(Csrf.currentExempt, (exempt) => HttpServerResponse.text(String(exempt)))
      const routes = Layer.mergeAll(
        HttpRouter.add("POST", "/checked", seen),
        HttpRouter.add("POST", "/callback", Csrf.exempt(seen))
      )
      const exemptRoutes = HttpRouter.add("POST", "/webhook", seen).pipe(
        Layer.provide(HttpRouter.middleware(Csrf.exempt).layer)
      )
      const { dispose, handler } = HttpRouter.toWebHandler(Layer.mergeAll(routes, exemptRoutes), {
        disableLogger: true
      })
      const post = (path: string) =>
        Effect.promise(() => handler(new Request(`http://localhost${path}`, { method: "POST" })).then((r) => r.text()))
      assert.strictEqual(yield* post("/checked"), "false")
      assert.strictEqual(yield* post("/callback"), "true")
      assert.strictEqual(yield* post("/webhook"), "true")
      yield* Effect.promise(dispose)
    }))
})
