/**
 * An in-process client for an app: web `Request` in, web `Response` out, run
 * on the test's own services (so `TestClock` drives every expiry), with a
 * browser-like cookie jar. The Effect 4 twin of the Effect 3 suite's client.
 */
import type { Scope } from "effect"
import { Effect } from "effect"
import type { HttpServerRequest, HttpServerResponse } from "effect/http"
import { HttpEffect } from "effect/http"

export interface TestResponse {
  readonly status: number
  readonly body: string
  readonly headers: Headers
  /** The raw `Set-Cookie` lines of the response. */
  readonly setCookies: ReadonlyArray<string>
  readonly location: string | null
}

export interface TestClient {
  readonly get: (path: string, init?: RequestInit) => Effect.Effect<TestResponse>
  readonly request: (path: string, init?: RequestInit) => Effect.Effect<TestResponse>
  /** The jar, as the browser would send it. */
  readonly cookies: Map<string, string>
}

/** Applies `Set-Cookie` lines to a jar: a `Max-Age=0` deletes. */
export const applySetCookies = (jar: Map<string, string>, lines: ReadonlyArray<string>) => {
  for (const line of lines) {
    const [pair = ""] = line.split(";")
    const eq = pair.indexOf("=")
    const name = pair.slice(0, eq).trim()
    const value = pair.slice(eq + 1).trim()
    if (/;\s*max-age=0/i.test(line) || value === "") jar.delete(name)
    else jar.set(name, value)
  }
}

/** `cookies`: a jar to share, as one browser does with every instance behind a load balancer. */
export const testClient = <E, R>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>,
  cookies: Map<string, string> = new Map()
) =>
  Effect.map(Effect.context<Exclude<R, Scope.Scope | HttpServerRequest.HttpServerRequest>>(), (context) => {
    // Typed loosely: the test's context holds what the app needs beyond the request.
    const handler = HttpEffect.toWebHandlerWith<any, any>(context)(app) as (request: Request) => Promise<Response>
    const request = (path: string, init: RequestInit = {}) =>
      Effect.promise(async () => {
        const headers = new Headers(init.headers)
        if (!headers.has("cookie") && cookies.size > 0) {
          headers.set("cookie", [...cookies].map(([name, value]) => `${name}=${value}`).join("; "))
        }
        const response = await handler(new Request(`http://localhost${path}`, { ...init, headers }))
        const setCookies = response.headers.getSetCookie()
        applySetCookies(cookies, setCookies)
        return {
          status: response.status,
          body: await response.text(),
          headers: response.headers,
          setCookies,
          location: response.headers.get("location")
        }
      })
    return { get: request, request, cookies } satisfies TestClient
  })
