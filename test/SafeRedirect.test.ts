import { assert, describe, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import { SafeRedirect } from "effect-login"

describe("SafeRedirect.safeNext", () => {
  const hostile = [
    "//evil.com",
    "///evil.com",
    "/\\evil.com",
    "\\/evil.com",
    "\\\\evil.com",
    "https://evil.com",
    "http://evil.com/path",
    "https:evil.com",
    "//evil.com/%2F..",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " /path",
    " //evil.com",
    "\t//evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "/\r\n/evil.com",
    "/\u0000/evil.com",
    "/\u007f",
    "/%2F%2Fevil.com",
    "/%2fevil.com",
    "/%5Cevil.com",
    "/%5cevil.com",
    "%2F%2Fevil.com",
    "/%09/evil.com",
    "/%0a/evil.com",
    "/%E0%A4%A",
    "evil.com",
    "path/without/slash",
    "",
    "/" + "a".repeat(3000)
  ]

  for (const value of hostile) {
    it(`refuses ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`, () => {
      assert.isFalse(SafeRedirect.isSafeNext(value))
      assert.strictEqual(SafeRedirect.safeNext(value), "/")
    })
  }

  const safe = [
    "/",
    "/protected",
    "/protected?x=1&y=2",
    "/a/b/c#frag",
    "/caf%C3%A9?q=%C3%A9",
    "/search?q=a%20b+c",
    "/p?next=//x"
  ]
  for (const value of safe) {
    it(`keeps ${JSON.stringify(value)}`, () => {
      assert.isTrue(SafeRedirect.isSafeNext(value))
      assert.strictEqual(SafeRedirect.safeNext(value), value)
    })
  }

  it("percent-encodes what a Location header cannot hold: non-ASCII and spaces, once", () => {
    assert.strictEqual(SafeRedirect.safeNext("/佐藤"), "/%E4%BD%90%E8%97%A4")
    assert.strictEqual(SafeRedirect.safeNext("/a b?q=é#ü"), "/a%20b?q=%C3%A9#%C3%BC")
    assert.strictEqual(SafeRedirect.safeNext("/%E4%BD%90?x=%20"), "/%E4%BD%90?x=%20", "already encoded: unchanged")
    assert.strictEqual(SafeRedirect.safeNext("/😀"), "/%F0%9F%98%80", "a whole code point")
  })

  it("falls back to the given fallback, and handles a missing value", () => {
    assert.strictEqual(SafeRedirect.safeNext("//evil.com", "/home"), "/home")
    assert.strictEqual(SafeRedirect.safeNext(undefined), "/")
    assert.strictEqual(SafeRedirect.safeNext(null, "/x"), "/x")
  })
})

describe("SafeRedirect.loginUrl", () => {
  it("percent-encodes next as Flask-Login does", () => {
    assert.strictEqual(SafeRedirect.loginUrl("/login", "/protected?x=1"), "/login?next=%2Fprotected%3Fx%3D1")
    assert.strictEqual(SafeRedirect.loginUrl("/login", "/café"), "/login?next=%2Fcaf%C3%A9")
    assert.strictEqual(SafeRedirect.loginUrl("/login", "/a b+c&d"), "/login?next=%2Fa+b%2Bc%26d")
  })

  it("keeps the login view's query, replacing an old next", () => {
    assert.strictEqual(SafeRedirect.loginUrl("/login?lang=fr", "/p"), "/login?lang=fr&next=%2Fp")
    assert.strictEqual(SafeRedirect.loginUrl("/login?next=old&z=1", "/p"), "/login?next=%2Fp&z=1")
  })

  it("keeps an absolute login view absolute", () => {
    assert.strictEqual(
      SafeRedirect.loginUrl("https://auth.example.com/login", "http://app.example.com/p?x=1"),
      "https://auth.example.com/login?next=http%3A%2F%2Fapp.example.com%2Fp%3Fx%3D1"
    )
    // Plain http too; and a path that merely contains a URL stays a path.
    assert.strictEqual(SafeRedirect.loginUrl("http://auth.example/login", "/p"), "http://auth.example/login?next=%2Fp")
    assert.strictEqual(SafeRedirect.loginUrl("/login?then=http://x", "/p"), "/login?then=http%3A%2F%2Fx&next=%2Fp")
  })
})

describe("SafeRedirect boundaries", () => {
  it("a next of 2048 characters is honoured, one of 2049 is not", () => {
    const at = `/${"a".repeat(2047)}`
    assert.strictEqual(at.length, 2048)
    assert.isTrue(SafeRedirect.isSafeNext(at))
    assert.isFalse(SafeRedirect.isSafeNext(`${at}a`))
  })
})

describe("SafeRedirect properties", () => {
  // Strings around what attackers send: slashes, backslashes, schemes, percent escapes, controls, non-ASCII.
  const pieces = fc.constantFrom(
    "/",
    "//",
    "\\",
    ":",
    "%",
    "2F",
    "5C",
    "%2F",
    "%5C",
    "http",
    "javascript",
    "evil.com",
    "@",
    "?",
    "#",
    ".",
    "..",
    " ",
    "\t",
    "\n",
    "\r",
    "\u0000",
    "佐藤",
    "a",
    "é"
  )
  const hostile = fc.oneof(
    fc.array(fc.oneof(pieces, fc.string()), { maxLength: 8 }).map((parts) => parts.join("")),
    // And paths that are safe but not all ASCII: they must come back percent-encoded.
    fc.array(fc.constantFrom("a", "佐藤", "é", " ", "/", "?", "=", "-", "%20"), { maxLength: 6 }).map((parts) =>
      `/a${parts.join("")}`
    )
  )

  it.prop(
    "safeNext is always a path on this site, as a browser resolves it, and a valid Location",
    [hostile],
    ([value]) => {
      const next = SafeRedirect.safeNext(value)
      assert.isTrue(next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\"), next)
      assert.match(next, /^[\x21-\x7e]*$/, "only printable ASCII: Node sends it as a header")
      assert.strictEqual(new URL(next, "https://app.example").origin, "https://app.example")
    }
  )

  it.prop("a safe next comes back unchanged when it is already printable ASCII", [hostile], ([value]) => {
    if (SafeRedirect.isSafeNext(value) && /^[\x21-\x7e]*$/.test(value)) {
      assert.strictEqual(SafeRedirect.safeNext(value), value)
    }
  })
})
