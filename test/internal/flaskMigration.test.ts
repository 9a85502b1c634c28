import { HttpServerRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Redacted } from "effect"
import { FlaskCompat } from "effect-login"
import * as flaskMigration from "../../src/internal/flaskMigration.js"

// The identifier vectors of ../shared/notes/flask-login.md (REMOTE_ADDR 127.0.0.1, User-Agent vector-agent/1.0).
const identifiers = {
  v06:
    "85bcdc5ccaa0e324ff7ecfe0bf4669d639b1b0f5f50332e65578c1f430646d4fd2947bd4db76d735baaf7f0a4aeea185a3dbe57d6b21c90c86df973cba560498",
  v06NoAgent:
    "656d8f867997c2a40397700861e67a333b935d82576d85577e2da5109fbf90ba7d035f50908ba54969f8b60c156c4a762615d025942cb19ae24d329b88d388db",
  v06Forwarded:
    "537fa0f37137cba82e3a3a1ec3265623d0c2448fecdb16250fdcea9099b6ce05e79b53b4872f2744e04e88fcfad2c398d4dbe77b2612868254784d5f9795c037",
  main:
    "f7bada90f277e588796e46177f7384469083d236db63b8984ac1dd6953c3fe559b36d23591dcaff3a382e5169cecdfeb0b94476a19245414e7be1f26d8af67ee",
  mainNoAgent:
    "3f21e0836abdfa69bf1763faaa82d94212074abf9a225951b35f47605bb939625fd8bdee7d492b41eb00bad256a3979d333005390ce48fd5d2d45b83b6535c71"
}

const request = (headers: Record<string, string>, remoteAddress = "127.0.0.1") =>
  HttpServerRequest.fromWeb(new Request("http://localhost/", { headers })).modify({ remoteAddress })

const options: FlaskCompat.Options = {
  secretKey: Redacted.make("flask-secret"),
  until: new Date(2_000_000),
  stampAtMigration: "v1"
}

describe("flaskMigration", () => {
  it("recognizes the client Flask-Login 0.6 and its main branch recorded", () => {
    const agent = { "user-agent": "vector-agent/1.0" }
    assert.strictEqual(flaskMigration.protect("strong", identifiers.v06, request(agent)), "Keep")
    assert.strictEqual(flaskMigration.protect("strong", identifiers.v06.toUpperCase(), request(agent)), "Keep")
    assert.strictEqual(flaskMigration.protect("strong", identifiers.main, request(agent)), "Keep")
    assert.strictEqual(flaskMigration.protect("strong", identifiers.v06NoAgent, request({})), "Keep")
    assert.strictEqual(flaskMigration.protect("strong", identifiers.mainNoAgent, request({})), "Keep")
    assert.strictEqual(
      flaskMigration.protect(
        "strong",
        identifiers.v06Forwarded,
        request({ ...agent, "x-forwarded-for": "10.1.1.1, 10.1.1.2" }, "10.0.0.1")
      ),
      "Keep"
    )
  })

  it("another client: stale under basic protection, ended under strong, nothing when off or unrecorded", () => {
    const other = request({ "user-agent": "other-agent/2.0" })
    assert.strictEqual(flaskMigration.protect("basic", identifiers.v06, other), "Stale")
    assert.strictEqual(flaskMigration.protect("strong", identifiers.v06, other), "End")
    assert.strictEqual(flaskMigration.protect("strong", identifiers.main, request({}, "10.9.9.9")), "End")
    assert.strictEqual(flaskMigration.protect("off", identifiers.v06, other), "Keep")
    // Restored from a Flask remember cookie, a session has no `_id`: it is bound to its first client.
    assert.strictEqual(flaskMigration.protect("strong", undefined, other), "Keep")
  })

  it("accepts Flask cookies until the cut-off only", () => {
    const remember = FlaskCompat.encodeRememberCookie("42", options.secretKey)
    assert.strictEqual(flaskMigration.rememberedUserId(remember, options, 1_999_999), "42")
    assert.isUndefined(flaskMigration.rememberedUserId(remember, options, 2_000_000))
    assert.isFalse(flaskMigration.isOpen(options, 2_000_000))
  })

  it("a user whose stamp moved on since the migration has no Flask cookie accepted", () => {
    assert.isTrue(flaskMigration.stampUnchanged(options, "v1"))
    assert.isFalse(flaskMigration.stampUnchanged(options, "v2"))
    assert.isFalse(flaskMigration.stampUnchanged(options, "v1 "))
    assert.isTrue(flaskMigration.stampUnchanged(options, undefined), "the app keeps no stamps")
    assert.isTrue(flaskMigration.stampUnchanged({ ...options, stampAtMigration: undefined }, "v2"))
  })
})
