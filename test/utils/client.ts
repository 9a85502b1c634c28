/**
 * An in-process client for an app: web `Request` in, web `Response` out, run
 * on the test's own runtime (so `TestClock` drives every expiry), with a
 * browser-like cookie jar.
 */
import type { HttpApp } from "@effect/platform"
import { HttpApp as App } from "@effect/platform"
import type { Scope } from "effect"
import { Effect } from "effect"

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
export const testClient = <E, R>(app: HttpApp.Default<E, R>, cookies: Map<string, string> = new Map()) =>
  Effect.map(Effect.runtime<Exclude<R, Scope.Scope>>(), (runtime) => {
    const handler = App.toWebHandlerRuntime(runtime)(app as HttpApp.Default<E, Exclude<R, Scope.Scope> | Scope.Scope>)
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
