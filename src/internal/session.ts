/**
 * The per-request session: decoded on first use, written back once by the
 * pre-response step (`commit`), and only when something changed.
 *
 * @internal
 */
import type * as Cookies from "@effect/platform/Cookies"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberId from "effect/FiberId"
import * as Option from "effect/Option"
import * as SafeRedirect from "../SafeRedirect.js"
import * as Session from "../Session.js"
import * as SessionCookie from "../SessionCookie.js"
import type * as UserLoader from "../UserLoader.js"
import * as cookieHeader from "./cookieHeader.js"
import * as crypto from "./crypto.js"

/**
 * What every request's session shares, resolved once when the Layer is built.
 *
 * @internal
 */
export interface Config {
  readonly cookieName: string
  readonly cookieOptions: Cookies.Cookie["options"]
  readonly codec: SessionCookie.Codec
  readonly loader: UserLoader.UserLoader
  readonly loginView: string | undefined
}

type SessionData = SessionCookie.SessionData

// 128 bits: the session identity only has to be unique, the MAC makes it unforgeable.
const newId = () => crypto.randomToken(16)

const isEmpty = (data: SessionData): boolean =>
  data.userId === undefined && (data.flashes === undefined || data.flashes.length === 0) &&
  (data.data === undefined || Object.keys(data.data).length === 0)

const withoutLogin = ({ fresh: _fresh, userId: _userId, ...rest }: SessionData): SessionData => rest

const absoluteUrl = /^https?:\/\//i

/** @internal */
export class SessionImpl implements Session.Session {
  readonly [Session.TypeId]: Session.TypeId = Session.TypeId

  private loaded = false
  private data: SessionData | undefined = undefined
  /** A session cookie came with the request (valid or not). */
  private presented = false
  /** It was not valid: it must be cleared even if nothing else changes. */
  private invalid = false
  private dirty = false
  /** The cookie value of `data` when it was computed by a size check. */
  private encoded: string | undefined = undefined
  private resolvedUser: Option.Option<unknown> | undefined = undefined
  private pendingUser: Deferred.Deferred<Option.Option<unknown>, UserLoader.UserLoaderError> | undefined = undefined

  constructor(readonly config: Config, readonly request: HttpServerRequest.HttpServerRequest) {}

  private readonly state: Effect.Effect<SessionData | undefined> = Effect.suspend(() =>
    this.loaded ? Effect.succeed(this.data) : Effect.flatMap(Clock.currentTimeMillis, (now) => this.decode(now))
  )

  private decode(now: number): Effect.Effect<SessionData | undefined> {
    this.loaded = true
    const raw = cookieHeader.readCookie(this.request.headers.cookie, this.config.cookieName)
    if (raw === undefined) return Effect.succeed(undefined)
    this.presented = true
    const result = raw === cookieHeader.duplicate
      ? Either.left(new SessionCookie.SessionCookieError({ reason: "Duplicated" }))
      : this.config.codec.decode(raw, now)
    if (Either.isLeft(result)) {
      this.invalid = true
      return Effect.as(Effect.logDebug(result.left.message), undefined)
    }
    // Verified by a previous key: re-issue it under the current one.
    this.dirty = result.right.stale
    this.data = result.right.session
    return Effect.succeed(this.data)
  }

  /** Replaces the session with one that is never larger than a valid one. */
  private replace(next: SessionData): void {
    this.data = next
    this.encoded = undefined
    this.dirty = true
  }

  /** Replaces the session, refusing a cookie that browsers would drop. */
  private write(next: SessionData): Effect.Effect<void, Session.SessionTooLarge> {
    const encoded = isEmpty(next) ? undefined : this.config.codec.encode(next)
    const bytes = encoded === undefined ? 0 : this.config.cookieName.length + 1 + encoded.length
    if (bytes > SessionCookie.maxCookieBytes) {
      return Effect.fail(new Session.SessionTooLarge({ bytes, limit: SessionCookie.maxCookieBytes }))
    }
    this.replace(next)
    this.encoded = encoded
    return Effect.void
  }

  private update(f: (data: SessionData | undefined, now: number) => SessionData) {
    return Effect.flatMap(
      this.state,
      (data) => Effect.flatMap(Clock.currentTimeMillis, (now) => this.write(f(data, now)))
    )
  }

  readonly user: Effect.Effect<Option.Option<unknown>, UserLoader.UserLoaderError> = Effect.suspend(() => {
    if (this.resolvedUser !== undefined) return Effect.succeed(this.resolvedUser)
    // Concurrent fibers of one request share one loader call.
    if (this.pendingUser !== undefined) return Deferred.await(this.pendingUser)
    const pending = Deferred.unsafeMake<Option.Option<unknown>, UserLoader.UserLoaderError>(FiberId.none)
    this.pendingUser = pending
    return Effect.intoDeferred(this.loadUser, pending).pipe(Effect.zipRight(Deferred.await(pending)))
  })

  private readonly loadUser = Effect.flatMap(this.state, (data) => {
    if (data?.userId === undefined) return Effect.succeed(Option.none())
    return Effect.map(this.config.loader.load(data.userId), (user) => {
      // The user is gone (deleted): end the login rather than keep a dangling id
      // that a user created later with the same id would inherit.
      if (Option.isNone(user) && this.data?.userId === data.userId) this.replace(withoutLogin(data))
      return user
    })
  }).pipe(Effect.tap((user) => {
    this.resolvedUser ??= user
  }))

  readonly authenticated = Effect.map(this.user, (user) => Option.filter(user, (u) => this.config.loader.isActive(u)))

  login(user: unknown, options?: Session.LoginOptions): Effect.Effect<boolean, Session.SessionTooLarge> {
    if (options?.force !== true && !this.config.loader.isActive(user)) return Effect.succeed(false)
    const userId = this.config.loader.id(user)
    return this.update((data, now) => {
      // Another user's data must not leak into this login; the same user keeps theirs.
      const kept = data !== undefined && (data.userId === undefined || data.userId === userId) ? data : {}
      return { ...kept, id: newId(), userId, fresh: options?.fresh ?? true, issuedAt: now }
    }).pipe(
      Effect.as(true),
      Effect.tap(() => {
        this.resolvedUser = Option.some(user)
      })
    )
  }

  readonly logout: Effect.Effect<void> = Effect.flatMap(this.state, (data) => {
    this.resolvedUser = Option.none()
    if (data?.userId === undefined) return Effect.void
    return Effect.map(
      Clock.currentTimeMillis,
      (now) => this.replace({ ...withoutLogin(data), id: newId(), issuedAt: now })
    )
  })

  readonly isFresh = Effect.map(this.state, (data) => data?.userId !== undefined && data.fresh === true)

  get(key: string) {
    return Effect.map(
      this.state,
      (data) => data?.data !== undefined && Object.hasOwn(data.data, key) ? Option.some(data.data[key]) : Option.none()
    )
  }

  set(key: string, value: unknown) {
    return this.update((data, now) => ({
      ...(data ?? { id: newId() }),
      data: { ...data?.data, [key]: value },
      issuedAt: now
    }))
  }

  remove(key: string) {
    return Effect.map(this.state, (data) => {
      if (data?.data === undefined || !Object.hasOwn(data.data, key)) return
      const { [key]: _removed, ...rest } = data.data
      this.replace({ ...data, data: rest })
    })
  }

  flash(message: string, category: string) {
    return this.update((data, now) => ({
      ...(data ?? { id: newId() }),
      flashes: [...(data?.flashes ?? []), [category, message] as const],
      issuedAt: now
    }))
  }

  readonly takeFlashes = Effect.map(this.state, (data) => {
    if (data?.flashes === undefined || data.flashes.length === 0) return []
    const { flashes, ...rest } = data
    this.replace(rest)
    return flashes
  })

  readonly unauthorized = Effect.sync(() => {
    const view = this.config.loginView
    if (view !== undefined) {
      return HttpServerResponse.redirect(SafeRedirect.loginUrl(view, this.next(view)), { status: 302 })
    }
    return (this.request.headers.accept ?? "").includes("application/json")
      ? HttpServerResponse.unsafeJson({ error: "Unauthorized", message: "Login required" }, { status: 401 })
      : HttpServerResponse.text("Unauthorized", { status: 401 })
  })

  /** Where the login view sends the user back: the path and query, or the full URL for another site's login view. */
  private next(view: string): string {
    const url = HttpServerRequest.toURL(this.request)
    if (Option.isNone(url)) return "/"
    const path = `${url.value.pathname}${url.value.search}`
    return absoluteUrl.test(view) && new URL(view).origin !== url.value.origin ? url.value.href : path
  }

  /** The pre-response step: writes the cookie when, and only when, something changed. */
  commit(response: HttpServerResponse.HttpServerResponse): HttpServerResponse.HttpServerResponse {
    if (!this.loaded) return response
    // The response depends on the cookie: shared caches must not serve it to someone else.
    const vary = response.headers["vary"]
    const varied = vary === undefined
      ? HttpServerResponse.setHeader(response, "vary", "Cookie")
      : /\bcookie\b/i.test(vary)
      ? response
      : HttpServerResponse.setHeader(response, "vary", `${vary}, Cookie`)
    const { cookieName, cookieOptions } = this.config
    if (this.dirty && this.data !== undefined && !isEmpty(this.data)) {
      const value = this.encoded ?? this.config.codec.encode(this.data)
      // The name and options were validated when the Layer was built; the value is base64url.
      return HttpServerResponse.unsafeSetCookie(varied, cookieName, value, cookieOptions)
    }
    if (this.presented && (this.dirty || this.invalid)) {
      const { maxAge: _maxAge, ...options } = cookieOptions ?? {}
      return HttpServerResponse.expireCookie(varied, cookieName, options)
    }
    return varied
  }
}
