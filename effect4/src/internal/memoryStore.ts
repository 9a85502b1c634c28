/**
 * The in-memory `SessionStore`: a Map in creation order (so that the oldest
 * session goes first, in constant time) and a per-user index, kept by
 * memoryStoreCore.ts (shared by both lines); this module gives it the time.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { MemorySessions } from "../../../src/core/memoryStore.js"
import type { SessionStore, StoredSession } from "../SessionStore.js"

/** @internal */
export const make = (options: { readonly maxSessions?: number | undefined } = {}): SessionStore => {
  const sessions = new MemorySessions<StoredSession>(options.maxSessions)
  return {
    get: (key) => Effect.map(Clock.currentTimeMillis, (now) => Option.fromUndefinedOr(sessions.get(key, now))),
    set: (key, session, expectedVersion) =>
      Effect.map(Clock.currentTimeMillis, (now) => sessions.set(key, session, expectedVersion, now)),
    touch: (key, expiresAt) => Effect.sync(() => sessions.touch(key, expiresAt)),
    delete: (key) => Effect.sync(() => sessions.delete(key)),
    listByUser: (userId) => Effect.map(Clock.currentTimeMillis, (now) => sessions.listByUser(userId, now)),
    deleteByUser: (userId, except = []) =>
      Effect.map(Clock.currentTimeMillis, (now) => sessions.deleteByUser(userId, except, now))
  }
}
