/**
 * The cookies of effect-login 0.2, as known answers (test/vectors/effect-login-0.2-cookies.json): this line
 * writes exactly them and reads them back. The Effect 4 line's twin (effect4/test/CookieVectors.test.ts) checks
 * the same file, so a session or remember cookie set by one line is valid on the other: an app moves from
 * Effect 3 to Effect 4 without logging anybody out.
 */
import { assert, describe, it } from "@effect/vitest"
import { assertRight } from "@effect/vitest/utils"
import { Redacted } from "effect"
import { RememberCookie, SessionCookie } from "effect-login"
import * as fs from "node:fs"
import * as path from "node:path"

const vectors = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, "vectors/effect-login-0.2-cookies.json"), "utf8")
)
const secretKey = Redacted.make(vectors.secretKey as string)
const now = vectors.session.data.issuedAt as number

describe("effect-login 0.2's cookies (shared with the Effect 4 line)", () => {
  it("a session cookie: written exactly, read back", () => {
    const codec = SessionCookie.make({ secretKey, maxAge: "3650 days" })
    assert.strictEqual(codec.encode(vectors.session.data), vectors.session.cookie)
    assertRight(codec.decode(vectors.session.cookie, now), { session: vectors.session.data, stale: false })
    // Another key refuses it.
    const other = SessionCookie.make({
      secretKey: Redacted.make("another-secret-0123456789abcdefghijkl"),
      maxAge: "1 day"
    })
    assert.isTrue(other.decode(vectors.session.cookie, now)._tag === "Left")
  })

  it("a remember cookie: written exactly, read back", () => {
    const codec = RememberCookie.make({ secretKey })
    assert.strictEqual(codec.encode(vectors.remember.token), vectors.remember.cookie)
    assertRight(codec.decode(vectors.remember.cookie, now), { token: vectors.remember.token, stale: false })
  })
})
