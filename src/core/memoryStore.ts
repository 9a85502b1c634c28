/**
 * The in-memory session store's bookkeeping, shared by both lines (no
 * Effect): a Map in creation order (so that the oldest session goes first,
 * in constant time, past `maxSessions`), a per-user index, expiry on read,
 * and compare-and-set on the record's version. Each line's memoryStore.ts
 * gives it the time from `Clock` and answers as a `SessionStore`.
 *
 * @internal
 */

/**
 * What the store reads of a record (each line's `SessionStore.StoredSession`).
 *
 * @internal
 */
export interface Entry {
  readonly userId?: string | undefined
  readonly version: number
  readonly expiresAt: number
}

/** @internal */
export const defaultMaxSessions = 100_000

/** @internal */
export class MemorySessions<S extends Entry> {
  private readonly sessions = new Map<string, S>()
  private readonly byUser = new Map<string, Set<string>>()

  constructor(private readonly maxSessions: number = defaultMaxSessions) {}

  private unindex(key: string, session: S | undefined): void {
    if (session?.userId === undefined) return
    const keys = this.byUser.get(session.userId)
    keys?.delete(key)
    if (keys?.size === 0) this.byUser.delete(session.userId)
  }

  /** Ends a record, whether or not it expired. */
  delete(key: string): void {
    this.unindex(key, this.sessions.get(key))
    this.sessions.delete(key)
  }

  /** The record under `key`, unless it expired by `now` (then it is gone). */
  get(key: string, now: number): S | undefined {
    const session = this.sessions.get(key)
    if (session !== undefined && session.expiresAt <= now) {
      this.delete(key)
      return undefined
    }
    return session
  }

  /** Writes `session` when the live record's version is `expectedVersion` (`undefined`: none may exist). */
  set(key: string, session: S, expectedVersion: number | undefined, now: number): boolean {
    const current = this.get(key, now)
    if (current?.version !== expectedVersion) return false
    this.unindex(key, current)
    this.sessions.set(key, session)
    if (session.userId !== undefined) {
      const keys = this.byUser.get(session.userId) ?? new Set()
      this.byUser.set(session.userId, keys.add(key))
    }
    if (this.sessions.size > this.maxSessions) {
      // Bounded, in constant time: the oldest session goes (a Map keeps the order of creation).
      this.delete(this.sessions.keys().next().value!)
    }
    return true
  }

  /** Moves a record's expiry, when it is there. */
  touch(key: string, expiresAt: number): void {
    const current = this.sessions.get(key)
    if (current !== undefined) this.sessions.set(key, { ...current, expiresAt })
  }

  /** The user's live records. */
  listByUser(userId: string, now: number): Array<{ readonly key: string; readonly session: S }> {
    return Array.from(this.byUser.get(userId) ?? []).flatMap((key) => {
      const session = this.get(key, now)
      return session === undefined ? [] : [{ key, session }]
    })
  }

  /** Ends the user's records but those in `except`: how many were live. */
  deleteByUser(userId: string, except: ReadonlyArray<string>, now: number): number {
    const keys = Array.from(this.byUser.get(userId) ?? []).filter((key) => !except.includes(key))
    const ended = keys.filter((key) => this.get(key, now) !== undefined).length
    keys.forEach((key) => this.delete(key))
    return ended
  }
}
