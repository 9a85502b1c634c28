import { assert, describe, it } from "@effect/vitest"
import * as sessionData from "../../src/core/sessionData.js"
import { SessionJournal } from "../../src/core/sessionJournal.js"
import type * as persistence from "../../src/internal/persistence.js"

const loaded = (overrides: Partial<persistence.Loaded>): persistence.Loaded => ({
  data: undefined,
  raw: undefined,
  presented: false,
  rejected: false,
  stale: false,
  ...overrides
})
const session = { id: "s", userId: "alice", issuedAt: 1 }

describe("SessionJournal", () => {
  it("nothing changed: nothing to write", () => {
    const change = new SessionJournal(loaded({ data: session, presented: true }), 5).change()
    assert.isFalse(change.dirty)
    assert.isFalse(change.rotate)
    assert.strictEqual(change.data, session)
  })

  it("a cookie signed by a previous key is written again, unchanged", () => {
    assert.isTrue(new SessionJournal(loaded({ data: session, presented: true, stale: true }), 5).change().dirty)
  })

  it("a cookie that is not ours is cleared even when nothing else changes", () => {
    assert.isTrue(new SessionJournal(loaded({ presented: true, rejected: true }), 5).change().dirty)
  })

  it("an emptied session that never had a cookie needs none", () => {
    const journal = new SessionJournal(loaded({}), 5)
    journal.apply(sessionData.withFlash(["message", "hi"]))
    journal.apply(sessionData.withoutFlashes)
    assert.isFalse(journal.change().dirty)
  })

  it("changes apply now, at the time the session was read, and replay in order over a concurrent write", () => {
    const journal = new SessionJournal(loaded({ data: session, presented: true }), 5)
    journal.apply(sessionData.withValue("a", 1))
    journal.apply(sessionData.loggedOut, { rotate: true })
    const change = journal.change()
    assert.isTrue(change.dirty)
    assert.isTrue(change.rotate)
    assert.strictEqual(change.data?.issuedAt, 5)
    assert.isUndefined(change.data?.userId)
    // Someone else set "b" meanwhile: this request's changes go on top of it.
    const replayed = change.replay({ ...session, data: { b: 2 } }, 9)!
    assert.deepStrictEqual(replayed.data, { b: 2, a: 1 })
    assert.isUndefined(replayed.userId)
    assert.strictEqual(replayed.issuedAt, 9)
  })

  it("preview does not apply", () => {
    const journal = new SessionJournal(loaded({ data: session, presented: true }), 5)
    assert.deepStrictEqual(journal.preview(sessionData.withValue("a", 1))?.data, { a: 1 })
    assert.strictEqual(journal.data, session)
    assert.isFalse(journal.change().dirty)
  })

  it("a change is a new identity only when asked", () => {
    const journal = new SessionJournal(loaded({ data: session, presented: true }), 5)
    journal.apply(sessionData.withValue("a", 1))
    journal.apply(sessionData.withValue("b", 2), {})
    journal.apply(sessionData.withValue("c", 3), { rotate: false })
    assert.isFalse(journal.change().rotate)
    assert.isTrue(journal.change().dirty)
  })

  it("a first session without a cookie is written; none at all needs no cookie", () => {
    const first = new SessionJournal(loaded({}), 5)
    first.apply(sessionData.withValue("a", 1))
    assert.isTrue(first.change().dirty)
    const none = new SessionJournal(loaded({}), 5)
    none.apply(sessionData.loggedOut)
    assert.isUndefined(none.change().data)
    assert.isFalse(none.change().dirty)
  })
})
