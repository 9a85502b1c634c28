/**
 * examples/browser-app.ts in a real browser: Debian's chromium, driven by
 * playwright-core. Log in (with "remember me"), reach the protected page,
 * close the browser keeping only its persistent cookies and come back logged
 * in, re-enter the password for the settings page, log out and be refused.
 * Then examples/quickstart.ts's form, and a cross-site login form refused.
 * Screenshots go to effect4/test-results/browser/. The Effect 4 twin of the
 * Effect 3 line's test/browser/browser-app.test.ts.
 */
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, ManagedRuntime } from "effect"
import { HttpServer } from "effect/http"
import * as fs from "node:fs"
import * as http from "node:http"
import { createServer } from "node:http"
import * as path from "node:path"
import type { Browser } from "playwright-core"
import { chromium } from "playwright-core"
import { BrowserApp, LoginLive } from "../../examples/browser-app.js"
import { LoginLive as QuickstartLogin, QuickstartApp } from "../../examples/quickstart.js"

const executablePath = "/usr/bin/chromium"
const screenshots = path.resolve(import.meta.dirname, "../../test-results/browser")

// Flags for a sandboxed machine with no network but loopback.
const args = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

/** Serves an app on 127.0.0.1 and starts a headless chromium; both are stopped after `test`. */
const withBrowser = async <E>(
  served: Layer.Layer<never, E, HttpServer.HttpServer>,
  test: (browser: Browser, base: string) => Promise<void>
) => {
  const runtime = ManagedRuntime.make(
    served.pipe(Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })))
  )
  const browser = await chromium.launch({ executablePath, headless: true, args })
  try {
    const address = await runtime.runPromise(Effect.map(HttpServer.HttpServer, (server) => server.address))
    assert.strictEqual(address._tag, "InetAddressV4")
    await test(browser, `http://127.0.0.1:${address._tag === "UnixPathAddress" ? 0 : address.port}`)
  } finally {
    await browser.close()
    await runtime.dispose()
  }
}

// Effect 4's router is built in a scope: the examples export an effect that gives the app.
const BrowserServed = Layer.unwrap(Effect.map(BrowserApp, (app) => HttpServer.serve(app)))
const QuickstartServed = Layer.unwrap(Effect.map(QuickstartApp, (app) => HttpServer.serve(app)))

describe("browser-app in chromium", () => {
  if (!fs.existsSync(executablePath)) {
    it("needs chromium", () =>
      assert.fail(
        `${executablePath} is not installed, and the browser tests need it: ` +
          "`sudo apt-get install -y chromium` (.ci/run does this)"
      ))
    return
  }

  it(
    "log in, remember me across a browser restart, fresh login for settings, log out",
    () =>
      withBrowser(BrowserServed.pipe(Layer.provide(LoginLive)), async (browser, base) => {
        fs.mkdirSync(screenshots, { recursive: true })

        // 1. An anonymous visit to the protected page lands on the login page.
        const first = await browser.newContext()
        const page = await first.newPage()
        await page.goto(`${base}/protected`)
        assert.strictEqual(new URL(page.url()).pathname + new URL(page.url()).search, "/login?next=%2Fprotected")
        assert.include(await page.textContent("body"), "Please log in to access this page.")
        await page.screenshot({ path: path.join(screenshots, "login-page.png") })

        // 2. A wrong password, then the right one with "remember me".
        await page.fill("input[name=username]", "ada")
        await page.fill("input[name=password]", "wrong")
        await Promise.all([page.waitForURL(/\/login/), page.click("button[type=submit]")])
        assert.include(await page.textContent("body"), "Invalid username or password.")
        await page.fill("input[name=username]", "ada")
        await page.fill("input[name=password]", "ada-password")
        await page.check("input[name=remember]")
        await Promise.all([page.waitForURL(`${base}/protected`), page.click("button[type=submit]")])
        assert.strictEqual(await page.textContent("#secret"), "Logged in as ada.")
        await page.screenshot({ path: path.join(screenshots, "protected-page.png") })

        // 3. The browser restarts: only persistent cookies survive (the remember cookie).
        const persistent = (await first.cookies()).filter((cookie) => cookie.expires !== -1)
        assert.deepStrictEqual(persistent.map((cookie) => cookie.name), ["__Host-remember_token"])
        assert.isTrue(persistent[0]!.httpOnly)
        await first.close()
        const second = await browser.newContext()
        await second.addCookies(persistent)
        const again = await second.newPage()
        await again.goto(`${base}/protected`)
        assert.strictEqual(await again.textContent("#secret"), "Logged in as ada.")

        // 4. Restored by the remember cookie, the login is not fresh: settings ask for the password.
        await again.goto(`${base}/settings`)
        assert.strictEqual(new URL(again.url()).pathname, "/refresh")
        assert.include(await again.textContent("body"), "Please reauthenticate to access this page.")
        await again.fill("input[name=password]", "ada-password")
        await Promise.all([again.waitForURL(`${base}/settings`), again.click("button[type=submit]")])
        assert.strictEqual(await again.textContent("#settings"), "Settings of ada.")
        await again.screenshot({ path: path.join(screenshots, "settings-page.png") })

        // 5. Log out (a same-origin form post), and be refused.
        await again.goto(`${base}/`)
        await Promise.all([again.waitForURL(`${base}/`), again.click("#logout")])
        assert.include(await again.textContent("body"), "You are logged out.")
        await again.goto(`${base}/protected`)
        assert.strictEqual(new URL(again.url()).pathname, "/login")
        assert.deepStrictEqual((await second.cookies()).filter((cookie) => cookie.name === "__Host-remember_token"), [])
        await second.close()
      }),
    60_000
  )

  it(
    "the quickstart's login form works from a real browser (CSRF protection lets same-site forms through)",
    () =>
      withBrowser(QuickstartServed.pipe(Layer.provide(QuickstartLogin)), async (browser, base) => {
        const page = await browser.newPage()
        await page.goto(`${base}/protected`)
        assert.include(await page.textContent("body"), "Please log in to access this page.")
        await page.fill("input[name=username]", "testuser")
        await page.fill("input[name=password]", "testpass")
        await Promise.all([page.waitForURL(`${base}/protected`), page.click("button[type=submit]")])
        assert.include(await page.textContent("body"), "Logged in as: testuser")
        // The login page itself, posted again with the session cookie: a same-origin form still works.
        await page.goto(`${base}/login`)
        await page.fill("input[name=username]", "another")
        await page.fill("input[name=password]", "anotherpass")
        await Promise.all([page.waitForURL(`${base}/`), page.click("button[type=submit]")])
        assert.include(await page.textContent("body"), "Logged in as another")
      }),
    60_000
  )

  it(
    "login CSRF: a cross-site page's auto-submitted login form does not log the browser in",
    () =>
      withBrowser(QuickstartServed.pipe(Layer.provide(QuickstartLogin)), async (browser, base) => {
        // The attacker's page, on another site (localhost, not 127.0.0.1), posts the attacker's credentials.
        const evil = http.createServer((_, response) => {
          response.setHeader("content-type", "text/html")
          response.end(`<form method="post" action="${base}/login">
            <input name="username" value="testuser"><input name="password" value="testpass">
          </form><script>document.forms[0].submit()</script>`)
        })
        await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve))
        try {
          const port = (evil.address() as { port: number }).port
          const context = await browser.newContext()
          const page = await context.newPage()
          const refused = page.waitForResponse((response) => response.url() === `${base}/login`)
          await page.goto(`http://localhost:${port}/`)
          const response = await refused
          assert.strictEqual(response.status(), 403)
          assert.include(await response.text(), "Cross-site request refused")
          const cookies = await context.cookies(base)
          assert.deepStrictEqual(cookies.map((cookie) => cookie.name), [], "no session for the attacker's account")
          await page.goto(`${base}/protected`)
          assert.include(await page.textContent("body"), "Please log in to access this page.")
        } finally {
          evil.close()
        }
      }),
    60_000
  )
})
