/**
 * The in-memory `SessionStore`: a Map in creation order (so that the oldest
 * session goes first, in constant time) and a per-user index.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { SessionStore, StoredSession } from "../SessionStore.js"

/** @internal */
export const make = (options: { readonly maxSessions?: number | undefined } = {}): SessionStore => {
  const maxSessions = options.maxSessions ?? 100_000
  const sessions = new Map<string, StoredSession>()
  const byUser = new Map<string, Set<string>>()
  const unindex = (key: string, session: StoredSession | undefined) => {
    if (session?.userId === undefined) return
    const keys = byUser.get(session.userId)
    keys?.delete(key)
    if (keys?.size === 0) byUser.delete(session.userId)
  }
  const remove = (key: string) => {
    unindex(key, sessions.get(key))
    sessions.delete(key)
  }
  const live = (key: string, now: number) => {
    const session = sessions.get(key)
    if (session !== undefined && session.expiresAt <= now) {
      remove(key)
      return undefined
    }
    return session
  }
  return {
    get: (key) => Effect.map(Clock.currentTimeMillis, (now) => Option.fromUndefinedOr(live(key, now))),
    set: (key, session, expectedVersion) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const current = live(key, now)
        if (current?.version !== expectedVersion) return false
        unindex(key, current)
        sessions.set(key, session)
        if (session.userId !== undefined) {
          const keys = byUser.get(session.userId) ?? new Set()
          byUser.set(session.userId, keys.add(key))
        }
        if (sessions.size > maxSessions) {
          // Bounded, in constant time: the oldest session goes (a Map keeps the order of creation).
          remove(sessions.keys().next().value!)
        }
        return true
      }),
    touch: (key, expiresAt) =>
      Effect.sync(() => {
        const current = sessions.get(key)
        if (current !== undefined) sessions.set(key, { ...current, expiresAt })
      }),
    delete: (key) => Effect.sync(() => remove(key)),
    listByUser: (userId) =>
      Effect.map(Clock.currentTimeMillis, (now) =>
        Array.from(byUser.get(userId) ?? []).flatMap((key) => {
          const session = live(key, now)
          return session === undefined ? [] : [{ key, session }]
        })),
    deleteByUser: (userId, except = []) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const keys = Array.from(byUser.get(userId) ?? []).filter((key) => !except.includes(key))
        const ended = keys.filter((key) => live(key, now) !== undefined).length
        keys.forEach(remove)
        return ended
      })
  }
}
