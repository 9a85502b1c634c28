import { assert, describe, it } from "@effect/vitest"
import * as sqlCore from "../../src/core/sql.js"

describe("sqlCore", () => {
  it("takes only a plain identifier as the table name", () => {
    assert.strictEqual(sqlCore.checkedTable(undefined), "effect_login_sessions")
    assert.strictEqual(sqlCore.checkedTable("my_sessions"), "my_sessions")
    for (const bad of ["1abc", "a;DROP TABLE x", "a-b", "a".repeat(64)]) {
      assert.throws(() => sqlCore.checkedTable(bad))
    }
    assert.match(sqlCore.migration("t")[1]!, /^CREATE INDEX IF NOT EXISTS t_user_id ON t \(user_id\)$/)
  })

  it("reads a row's numbers whatever type the driver gives them", () => {
    const row = { id: "k", user_id: null, data: "{}", version: "3", created_at: "10", expires_at: 20 }
    assert.deepStrictEqual(sqlCore.toStored(row), { data: "{}", version: 3, createdAt: 10, expiresAt: 20 })
    assert.strictEqual(sqlCore.toStored({ ...row, user_id: "u" }).userId, "u")
  })
})
