/**
 * What one request did to its session: the data as it stands after the
 * request's changes, and the changes themselves, so that the pre-response step
 * knows what to write (and a store can replay them over a concurrent write).
 *
 * @internal
 */
import type { Mutation, SessionData } from "./sessionData.js"
import { isEmpty } from "./sessionData.js"

/**
 * The session as the request found it.
 *
 * @internal
 */
export interface Loaded {
  readonly data: SessionData | undefined
  /** The cookie's value, when one (and only one) came. */
  readonly raw: string | undefined
  /** A session cookie came, valid or not. */
  readonly presented: boolean
  /** It came but is not a session of ours: it must be cleared (or replaced). */
  readonly rejected: boolean
  /** Ours, but it must be written again (signed by a previous key). */
  readonly stale: boolean
}

/**
 * What the request did to the session, for the pre-response step.
 *
 * @internal
 */
export interface Change {
  readonly dirty: boolean
  readonly data: SessionData | undefined
  /** A new identity: login, logout, or a session that came from elsewhere (remember, Flask). */
  readonly rotate: boolean
  /** The request's changes, to apply again over a concurrent write. */
  readonly replay: (data: SessionData | undefined, now: number) => SessionData | undefined
}

/** @internal */
export class SessionJournal {
  /** The session as this request sees it. */
  data: SessionData | undefined
  /** A session cookie came with the request, valid or not. */
  readonly presented: boolean
  /** It must be written: changed, or signed by a previous key. */
  private dirty: boolean
  /** A cookie came that is not a session of ours: it must be cleared even if nothing else changes. */
  private readonly invalid: boolean
  /** A new identity: login, logout, restored or migrated logins. */
  private rotate = false
  private readonly mutations: Array<Mutation> = []

  /** `at`: when the session was read, the time of this request's changes. */
  constructor(loaded: Loaded, readonly at: number) {
    this.data = loaded.data
    this.dirty = loaded.stale
    this.invalid = loaded.rejected
    this.presented = loaded.presented
  }

  /** What `mutation` would make of the session, without applying it. */
  preview(mutation: Mutation): SessionData | undefined {
    return mutation(this.data, this.at)
  }

  /** `next`: what `preview` already made of it, so that a change is made (and a new id drawn) once. */
  apply(mutation: Mutation, options?: { readonly rotate?: boolean }, next = mutation(this.data, this.at)): void {
    this.data = next
    this.mutations.push(mutation)
    this.dirty = true
    if (options?.rotate === true) this.rotate = true
  }

  /** What the pre-response step writes. */
  change(): Change {
    const mutations = this.mutations
    return {
      // An emptied session that never had a cookie needs no cookie either.
      dirty: (this.dirty || this.invalid) && (this.presented || (this.data !== undefined && !isEmpty(this.data))),
      data: this.data,
      rotate: this.rotate,
      replay: (data, now) => mutations.reduce<SessionData | undefined>((d, mutation) => mutation(d, now), data)
    }
  }
}
