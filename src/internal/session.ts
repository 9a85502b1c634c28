/**
 * The per-request session: decoded on first use, written back once by the
 * pre-response step (`commit`), and only when something changed.
 *
 * Who is the user (`resolve`), in Flask-Login's order: the session's user id
 * (after session protection and the security stamp), else the remember-me
 * cookie (restoring a session that is not fresh), else the request loaders
 * (not persisted). Unlike Flask-Login, an invalid remember cookie does not
 * stop the request loaders from being tried.
 *
 * @internal
 */
import type * as Cookies from "@effect/platform/Cookies"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import type * as PubSub from "effect/PubSub"
import * as Csrf from "../Csrf.js"
import * as FlaskCompat from "../FlaskCompat.js"
import * as LoginEvents from "../LoginEvents.js"
import type * as RememberCookie from "../RememberCookie.js"
import * as SafeRedirect from "../SafeRedirect.js"
import * as Session from "../Session.js"
import type * as SessionCookie from "../SessionCookie.js"
import type { SessionStoreError } from "../SessionStore.js"
import type * as UserLoader from "../UserLoader.js"
import * as cookieHeader from "./cookieHeader.js"
import * as crypto from "./crypto.js"
import * as persistence from "./persistence.js"

/** @internal */
export interface Flash {
  readonly message: string
  readonly category: string
}

/**
 * What every request's session shares, resolved once when the Layer is built.
 *
 * @internal
 */
export interface Config {
  readonly cookieName: string
  /** Where sessions live: in the cookie, or in a store. */
  readonly persistence: persistence.Persistence
  readonly loader: UserLoader.UserLoader
  readonly events: PubSub.PubSub<LoginEvents.LoginEvent>
  readonly remember: {
    readonly name: string
    readonly options: Cookies.Cookie["options"]
    readonly durationMillis: number
    readonly refreshEachRequest: boolean
    readonly codec: RememberCookie.Codec
  }
  readonly protection: "off" | "basic" | "strong"
  /** Identifies the client (IP and User-Agent), hashed; `undefined` when protection is off. */
  readonly client: ((request: HttpServerRequest.HttpServerRequest) => string) | undefined
  /** Hashes a security stamp with a key of its own, so that the session never holds the stamp itself. */
  readonly stampHash: (stamp: string) => string
  readonly freshMaxAgeMillis: number | undefined
  readonly loginView: string | undefined
  readonly refreshView: string | undefined
  readonly useSessionForNext: boolean
  readonly loginMessage: Flash | undefined
  readonly needsRefreshMessage: Flash | undefined
  readonly localize: (message: string, request: HttpServerRequest.HttpServerRequest) => string
  readonly onUnauthorized:
    | Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>
    | undefined
  readonly onNeedsRefresh:
    | Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>
    | undefined
  /** Also accept a Flask app's cookies, and replace them with ours. */
  readonly flask: FlaskCompat.Options | undefined
  /** Cross-site request forgery protection; `undefined` when turned off. */
  readonly csrf: { readonly trustedOrigins: ReadonlyArray<string>; readonly secure: boolean } | undefined
}

type SessionData = SessionCookie.SessionData
type RememberToken = RememberCookie.RememberToken

// 128 bits: the session identity only has to be unique, the MAC makes it unforgeable.
const newId = () => crypto.randomToken(16)

const isEmpty = persistence.isEmpty

/** A change to the session, kept as a function so that it can be applied again over a concurrent write. */
type Mutation = (data: SessionData | undefined, now: number) => SessionData | undefined

/** Drops what belongs to the login (Flask-Login's SESSION_KEYS), keeps the application's data. */
const withoutLogin = ({ client: _c, fresh: _f, freshAt: _a, next: _n, stamp: _s, userId: _u, ...rest }: SessionData) =>
  rest

const absoluteUrl = /^https?:\/\//i

/** What the remember cookie of the request turned out to be. */
type Incoming =
  | { readonly _tag: "Absent" }
  | { readonly _tag: "Invalid" }
  | { readonly _tag: "Valid"; readonly token: RememberToken }
  /** A Flask-Login remember cookie (with `flaskCompat`): no expiry, no stamp. */
  | { readonly _tag: "Legacy"; readonly userId: string }

const incomingUserId = (incoming: Incoming): string | undefined =>
  incoming._tag === "Valid" ? incoming.token.userId : incoming._tag === "Legacy" ? incoming.userId : undefined

/** A Flask session, as a session of ours: its login keys, flashes and `next`; its other keys as data. */
const fromFlask = (flask: FlaskCompat.FlaskSession, now: number): SessionData => {
  const { _flashes, _fresh, _id, _remember, _remember_seconds, _user_id, next, ...data } = flask.data
  const userId = typeof _user_id === "string" || typeof _user_id === "number" ? String(_user_id) : undefined
  const flashes = Array.isArray(_flashes)
    ? _flashes.filter((f): f is [string, string] =>
      Array.isArray(f) && f.length === 2 && typeof f[0] === "string" && typeof f[1] === "string"
    )
    : []
  return {
    id: newId(),
    ...(userId === undefined ? {} : { userId, fresh: _fresh === true }),
    ...(userId !== undefined && _fresh === true ? { freshAt: flask.signedAt } : {}),
    ...(typeof next === "string" ? { next } : {}),
    ...(Object.keys(data).length > 0 ? { data } : {}),
    ...(flashes.length > 0 ? { flashes } : {}),
    issuedAt: now
  }
}

/** @internal */
export class SessionImpl implements Session.Session {
  readonly [Session.TypeId]: Session.TypeId = Session.TypeId

  private readonly handle: persistence.Handle
  private loaded = false
  /** The session is being read (from a store): other fibers of the request wait for it. */
  private reading = false
  private readWaiting: Deferred.Deferred<SessionData | undefined, SessionStoreError> | undefined = undefined
  private readFailed: Cause.Cause<SessionStoreError> | undefined = undefined
  /** When the session was read: the time of this request's changes. */
  private loadedAt = 0
  private data: SessionData | undefined = undefined
  /** A session cookie came with the request (valid or not). */
  private presented = false
  /** It was not valid: it must be cleared even if nothing else changes. */
  private invalid = false
  private dirty = false
  /** The session gets a new identity: login, logout, restored or migrated logins. */
  private rotate = false
  private readonly mutations: Array<Mutation> = []

  private resolved: Option.Option<unknown> | undefined = undefined
  /** The user is being resolved: other fibers of the request wait for it rather than load again. */
  private resolving = false
  private waiting:
    | Deferred.Deferred<Option.Option<unknown>, UserLoader.UserLoaderError | SessionStoreError>
    | undefined = undefined
  /** The resolution failed (the store is down): the request keeps that answer. */
  private failed: Cause.Cause<UserLoader.UserLoaderError | SessionStoreError> | undefined = undefined
  /** The user came from a request loader: not in the session, never fresh. */
  private fromRequest = false
  /** The session was read from a Flask cookie in this request: it has no stamp or client yet. */
  private migrated = false

  private incoming: Incoming | undefined = undefined
  /** What the response does with the remember cookie. */
  private remember:
    | { readonly _tag: "Set"; readonly token: RememberToken; readonly maxAgeMillis: number }
    | { readonly _tag: "Clear" }
    | undefined = undefined

  constructor(readonly config: Config, readonly request: HttpServerRequest.HttpServerRequest) {
    this.handle = config.persistence.open(request)
  }

  // --- The session cookie ----------------------------------------------------

  private get state(): Effect.Effect<SessionData | undefined, SessionStoreError> {
    return Effect.suspend(() => {
      if (this.loaded) return Effect.succeed(this.data)
      if (this.readFailed !== undefined) return Effect.failCause(this.readFailed)
      // Concurrent fibers of one request share one read: the later ones wait for the first.
      if (this.reading) {
        this.readWaiting ??= Deferred.unsafeMake(FiberId.none)
        return Deferred.await(this.readWaiting)
      }
      // The hot path (a cookie session, no CSRF check due): read it here and now, synchronously.
      const loadSync = this.handle.loadSync
      if (loadSync !== undefined && !this.csrfCheckDue()) {
        return Effect.clockWith((clock) => {
          const now = clock.unsafeCurrentTimeMillis()
          return this.accept(loadSync(now), now)
        })
      }
      this.reading = true
      return this.verifyOrigin.pipe(
        Effect.zipRight(Clock.currentTimeMillis),
        Effect.flatMap((now) => this.decode(now)),
        Effect.onExit((exit) => {
          this.reading = false
          if (exit._tag === "Failure") this.readFailed = exit.cause
          const waiting = this.readWaiting
          this.readWaiting = undefined
          return waiting === undefined ? Effect.void : Deferred.done(waiting, exit)
        })
      )
    })
  }

  /**
   * CSRF: a state-changing request that carries our cookies must come from this
   * site, checked before the session is first used. A refusal is a 403 response,
   * raised as the platform's "respond with this" defect so that it is not
   * logged as a failure.
   */
  /** A state-changing request that carries our cookies: its origin must be checked. */
  private csrfCheckDue(): boolean {
    const { cookieName, csrf, remember } = this.config
    const header = this.request.headers.cookie
    return csrf !== undefined && Csrf.isStateChanging(this.request.method) &&
      (cookieHeader.readCookie(header, cookieName) !== undefined ||
        cookieHeader.readCookie(header, remember.name) !== undefined)
  }

  private get verifyOrigin(): Effect.Effect<void> {
    return Effect.suspend(() => {
      const { csrf } = this.config
      if (csrf === undefined || !this.csrfCheckDue()) return Effect.void
      return Effect.flatMap(FiberRef.get(Csrf.currentExempt), (exempt) => {
        const verdict = exempt ? Either.void : Csrf.verifyOrigin(this.request, csrf)
        if (Either.isRight(verdict)) return Effect.void
        const reason = `Cross-site request refused: ${verdict.left}`
        const response = (this.request.headers.accept ?? "").includes("application/json")
          ? HttpServerResponse.unsafeJson({ error: "CsrfRejected", message: reason }, { status: 403 })
          : HttpServerResponse.text(reason, { status: 403 })
        return this.emit(LoginEvents.LoginEvent.CsrfRejected({ reason: verdict.left })).pipe(
          Effect.zipRight(Effect.die(response))
        )
      })
    })
  }

  private decode(now: number): Effect.Effect<SessionData | undefined, SessionStoreError> {
    return Effect.flatMap(this.handle.load(now), (loaded) => this.accept(loaded, now))
  }

  /** Takes in the session as the request found it. */
  private accept(loaded: persistence.Loaded, now: number): Effect.Effect<SessionData | undefined> {
    this.loaded = true
    this.loadedAt = now
    this.presented = loaded.presented
    if (loaded.rejected) {
      const flask = this.config.flask === undefined || loaded.raw === undefined
        ? Option.none()
        : FlaskCompat.decodeSessionCookie(loaded.raw, { ...this.config.flask, now })
      if (Option.isSome(flask)) {
        // A Flask session: re-issued as ours on this response.
        this.migrated = true
        this.rotate = true
        this.replace(() => fromFlask(flask.value, now))
        return Effect.succeed(this.data)
      }
      this.invalid = true
      return Effect.as(Effect.logDebug("effect-login: session cookie rejected"), undefined)
    }
    // Verified by a previous key: re-issue it under the current one.
    this.dirty = loaded.stale
    this.data = loaded.data
    return Effect.succeed(this.data)
  }

  /** Changes the session; for changes that never make it larger than a valid one. */
  private replace(mutation: Mutation): void {
    this.data = mutation(this.data, this.loadedAt)
    this.mutations.push(mutation)
    this.dirty = true
  }

  /** Changes the session, refusing a cookie that browsers would drop. */
  private write(mutation: Mutation): Effect.Effect<void, Session.SessionTooLarge> {
    const next = mutation(this.data, this.loadedAt)
    return Effect.map(next === undefined ? Effect.void : this.handle.check(next), () => {
      this.data = next
      this.mutations.push(mutation)
      this.dirty = true
    })
  }

  private update(mutation: (data: SessionData | undefined, now: number) => SessionData) {
    return Effect.flatMap(this.state, () => this.write(mutation))
  }

  private emit(event: LoginEvents.LoginEvent) {
    return LoginEvents.publish(this.config.events, event)
  }

  // --- Who is the user -------------------------------------------------------

  get user(): Effect.Effect<Option.Option<unknown>, UserLoader.UserLoaderError | SessionStoreError> {
    return Effect.suspend(() => {
      if (this.resolved !== undefined) return Effect.succeed(this.resolved)
      if (this.failed !== undefined) return Effect.failCause(this.failed)
      // Concurrent fibers of one request share one resolution: the later ones wait for the first.
      if (this.resolving) {
        this.waiting ??= Deferred.unsafeMake(FiberId.none)
        return Deferred.await(this.waiting)
      }
      this.resolving = true
      return this.resolve.pipe(Effect.onExit((exit) => {
        this.resolving = false
        if (exit._tag === "Failure") this.failed = exit.cause
        const waiting = this.waiting
        this.waiting = undefined
        return waiting === undefined ? Effect.void : Deferred.done(waiting, exit)
      }))
    })
  }

  get authenticated() {
    return Effect.map(this.user, (user) => Option.filter(user, (u) => this.config.loader.isActive(u)))
  }

  private get resolve(): Effect.Effect<Option.Option<unknown>, UserLoader.UserLoaderError | SessionStoreError> {
    return Effect.gen(this, function*() {
      yield* this.emit(LoginEvents.LoginEvent.Accessed())
      const data = yield* this.state
      if (data?.userId !== undefined) {
        const fromSession = yield* this.fromSession(data, data.userId)
        if (fromSession !== undefined) return this.settle(fromSession)
      }
      const fromCookie = yield* this.fromRememberCookie
      if (Option.isSome(fromCookie)) return this.settle(fromCookie)
      for (const loader of this.config.loader.requestLoaders) {
        const user = yield* loader.load(this.request)
        if (Option.isSome(user)) {
          this.fromRequest = true
          yield* this.emit(LoginEvents.LoginEvent.LoadedFromRequest({ userId: this.config.loader.id(user.value) }))
          return this.settle(user)
        }
      }
      return this.settle(Option.none())
    })
  }

  private settle(user: Option.Option<unknown>): Option.Option<unknown> {
    // A login during the resolution wins over what was resolved.
    this.resolved ??= user
    return this.resolved
  }

  /**
   * The user of the session's login: `Some` when it stands, `None` when session
   * protection (strong) ended it for this request, `undefined` to look further.
   */
  private fromSession(data: SessionData, userId: string) {
    return Effect.gen(this, function*() {
      const client = this.config.client?.(this.request)
      if (this.migrated) {
        // A migrated Flask login gets bound to this client and to the user's stamp now.
        const user = yield* this.config.loader.load(userId)
        if (Option.isNone(user)) return undefined
        const binding = this.loginBinding(user.value)
        this.replace((d) => d && { ...d, ...binding })
        return user
      }
      if (client !== undefined && data.client === undefined) {
        // Made without a client (protection was off, or `issueSessionCookie`): bound on first use.
        this.replace((d) => d && { ...d, client })
      } else if (client !== undefined && data.client !== client) {
        if (this.config.protection === "strong") {
          this.replace((d) => d && withoutLogin(d))
          this.remember = { _tag: "Clear" }
          yield* this.emit(LoginEvents.LoginEvent.SessionProtected({ userId, mode: "strong" }))
          return Option.none()
        }
        // Basic: still logged in, but no longer fresh; written only when it changes.
        if (data.fresh !== false) this.replace((d) => d && { ...d, fresh: false })
        yield* this.emit(LoginEvents.LoginEvent.SessionProtected({ userId, mode: "basic" }))
      }
      const user = yield* this.config.loader.load(userId)
      if (Option.isSome(user) && this.stampMatches(user.value, data.stamp)) {
        yield* this.refreshRemembered(userId)
        return user
      }
      // Deleted, or revoked: end the login rather than keep a dangling id
      // that a user created later with the same id would inherit.
      if (this.data?.userId === userId) this.replace((d) => d?.userId === userId ? withoutLogin(d) : d)
      return undefined
    })
  }

  private stampMatches(user: unknown, stored: string | undefined): boolean {
    const stamp = this.config.loader.securityStamp?.(user)
    if (stamp === undefined) return true
    return stored !== undefined &&
      crypto.timingSafeEqual(Buffer.from(this.config.stampHash(stamp)), Buffer.from(stored))
  }

  private stampOf(user: unknown): string | undefined {
    const stamp = this.config.loader.securityStamp?.(user)
    return stamp === undefined ? undefined : this.config.stampHash(stamp)
  }

  private get readIncoming(): Effect.Effect<Incoming> {
    return Effect.suspend(() => {
      if (this.incoming !== undefined) return Effect.succeed(this.incoming)
      const raw = cookieHeader.readCookie(this.request.headers.cookie, this.config.remember.name)
      if (raw === undefined) return Effect.succeed(this.incoming = { _tag: "Absent" })
      return Effect.map(Clock.currentTimeMillis, (now): Incoming => {
        if (raw === cookieHeader.duplicate) return this.incoming = { _tag: "Invalid" }
        const decoded = this.config.remember.codec.decode(raw, now)
        if (Either.isRight(decoded)) return this.incoming = { _tag: "Valid", token: decoded.right.token }
        const legacy = this.config.flask === undefined
          ? Option.none()
          : FlaskCompat.decodeRememberCookie(raw, this.config.flask.secretKey)
        return this.incoming = Option.isSome(legacy) ? { _tag: "Legacy", userId: legacy.value } : { _tag: "Invalid" }
      })
    })
  }

  private get fromRememberCookie(): Effect.Effect<Option.Option<unknown>, UserLoader.UserLoaderError> {
    return Effect.gen(
      this,
      function*() {
        if (this.remember?._tag === "Clear") return Option.none()
        const incoming = yield* this.readIncoming
        if (incoming._tag === "Absent") return Option.none()
        if (incoming._tag === "Invalid") {
          this.remember = { _tag: "Clear" }
          return Option.none()
        }
        const userId = incoming._tag === "Valid" ? incoming.token.userId : incoming.userId
        const user = yield* this.config.loader.load(userId)
        if (
          Option.isNone(user) || (incoming._tag === "Valid" && !this.stampMatches(user.value, incoming.token.stamp))
        ) {
          this.remember = { _tag: "Clear" }
          return Option.none()
        }
        // A restored login is a new session, not a fresh one; it is bound to this
        // client, so that strong protection does not end it on the next request.
        const now = yield* Clock.currentTimeMillis
        const binding = this.loginBinding(user.value)
        const login = (kept: SessionData | { readonly id: string }, now: number): SessionData => ({
          ...kept,
          id: newId(),
          userId,
          fresh: false,
          ...binding,
          issuedAt: now
        })
        this.rotate = true
        yield* Effect.catchTag(
          this.write((d, now) => login(d === undefined ? { id: newId() } : withoutLogin(d), now)),
          "SessionTooLarge",
          () => Effect.sync(() => this.replace((_, now) => login({ id: newId() }, now)))
        )
        if (incoming._tag === "Legacy") {
          // Replace the Flask cookie with a token of ours, which can expire and be revoked.
          this.remember = {
            _tag: "Set",
            token: this.token(userId, user.value, now, undefined),
            maxAgeMillis: this.config.remember.durationMillis
          }
        } else {
          yield* this.refreshRemembered(userId)
        }
        yield* this.emit(LoginEvents.LoginEvent.LoadedFromCookie({ userId }))
        return user
      }
    )
  }

  /** The parts of a session that tie a login to this client and to the user's stamp. */
  private loginBinding(user: unknown): Pick<SessionData, "client" | "stamp"> {
    const client = this.config.client?.(this.request)
    const stamp = this.stampOf(user)
    return { ...(client === undefined ? {} : { client }), ...(stamp === undefined ? {} : { stamp }) }
  }

  private token(
    userId: string,
    user: unknown,
    now: number,
    duration: Duration.DurationInput | undefined
  ): RememberToken {
    const millis = duration === undefined ? this.config.remember.durationMillis : Duration.toMillis(duration)
    const stamp = this.stampOf(user)
    return { userId, expiresAt: now + millis, duration: millis, ...(stamp === undefined ? {} : { stamp }) }
  }

  /** With `refreshEachRequest`, a remember cookie sent by the browser gets a new expiry. */
  private refreshRemembered(userId: string) {
    if (!this.config.remember.refreshEachRequest || this.remember !== undefined) return Effect.void
    return Effect.flatMap(this.readIncoming, (incoming) =>
      incoming._tag === "Valid" && incoming.token.userId === userId
        ? Effect.map(Clock.currentTimeMillis, (now) => {
          this.remember = {
            _tag: "Set",
            token: { ...incoming.token, expiresAt: now + incoming.token.duration },
            maxAgeMillis: incoming.token.duration
          }
        })
        : Effect.void)
  }

  // --- Login, logout, freshness ----------------------------------------------

  login(
    user: unknown,
    options?: Session.LoginOptions
  ): Effect.Effect<boolean, Session.SessionTooLarge | SessionStoreError> {
    const { loader } = this.config
    if (options?.force !== true && !loader.isActive(user)) return Effect.succeed(false)
    const userId = loader.id(user)
    return Effect.gen(this, function*() {
      yield* this.state
      const now = yield* Clock.currentTimeMillis
      const fresh = options?.fresh ?? true
      const binding = this.loginBinding(user)
      // Session fixation: a login is a new session identity.
      this.rotate = true
      yield* this.write((data, now) => ({
        // Another user's data must not leak into this login; the same user keeps theirs.
        ...(data !== undefined && (data.userId === undefined || data.userId === userId) ? withoutLogin(data) : {}),
        id: newId(),
        userId,
        fresh,
        ...(fresh ? { freshAt: now } : {}),
        ...binding,
        issuedAt: now
      }))
      if (options?.remember === true) {
        const token = this.token(userId, user, now, options.duration)
        this.remember = { _tag: "Set", token, maxAgeMillis: token.duration }
      } else if (cookieHeader.readCookie(this.request.headers.cookie, this.config.remember.name) !== undefined) {
        // Logging in without "remember me" must not leave an older remember cookie behind.
        this.remember = { _tag: "Clear" }
      }
      this.resolved = Option.some(user)
      this.fromRequest = false
      yield* this.emit(LoginEvents.LoginEvent.LoggedIn({ userId }))
      return true
    })
  }

  get logout(): Effect.Effect<void, SessionStoreError> {
    return Effect.gen(this, function*() {
      const data = yield* this.state
      const incoming = yield* this.readIncoming
      const { loader } = this.config
      const userId = this.resolved !== undefined && Option.isSome(this.resolved)
        ? loader.id(this.resolved.value)
        : data?.userId ?? incomingUserId(incoming)
      if (data?.userId !== undefined) {
        this.rotate = true
        this.replace((d, now) => d && { ...withoutLogin(d), id: newId(), issuedAt: now })
      }
      // Even when the session was lost in between: the remember cookie must not log the user back in.
      if (incoming._tag !== "Absent") this.remember = { _tag: "Clear" }
      else if (this.remember?._tag === "Set") this.remember = undefined
      this.resolved = Option.none()
      this.fromRequest = false
      yield* this.emit(LoginEvents.LoginEvent.LoggedOut({ userId }))
    })
  }

  get confirmLogin(): Effect.Effect<void, UserLoader.UserLoaderError | SessionStoreError> {
    return Effect.gen(
      this,
      function*() {
        const user = yield* this.user
        const data = yield* this.state
        const now = yield* Clock.currentTimeMillis
        if (data?.userId !== undefined && Option.isSome(user)) {
          const binding = this.loginBinding(user.value)
          this.replace((d) => d && { ...d, fresh: true, freshAt: now, ...binding })
        }
        yield* this.emit(LoginEvents.LoginEvent.LoginConfirmed({ userId: data?.userId }))
      }
    )
  }

  get isFresh(): Effect.Effect<boolean, SessionStoreError> {
    return Effect.flatMap(this.state, (data) => {
      if (this.fromRequest || data?.userId === undefined || data.fresh !== true) return Effect.succeed(false)
      const maxAge = this.config.freshMaxAgeMillis
      if (maxAge === undefined) return Effect.succeed(true)
      return Effect.map(Clock.currentTimeMillis, (now) => data.freshAt !== undefined && now - data.freshAt < maxAge)
    })
  }

  get isRemembered(): Effect.Effect<boolean, UserLoader.UserLoaderError | SessionStoreError> {
    return Effect.gen(
      this,
      function*() {
        const user = yield* this.user
        const incoming = yield* this.readIncoming
        return Option.isSome(user) && this.remember?._tag !== "Clear" &&
          incomingUserId(incoming) === this.config.loader.id(user.value)
      }
    )
  }

  // --- Application data ------------------------------------------------------

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
      this.replace((d) => {
        if (d?.data === undefined) return d
        const { [key]: _removed, ...rest } = d.data
        return { ...d, data: rest }
      })
    })
  }

  flash(message: string, category: string) {
    return this.update((data, now) => ({
      ...(data ?? { id: newId() }),
      flashes: [...(data?.flashes ?? []), [category, message] as const],
      issuedAt: now
    }))
  }

  get takeFlashes() {
    return Effect.map(this.state, (data) => {
      if (data?.flashes === undefined || data.flashes.length === 0) return []
      this.replace((d) => {
        if (d === undefined) return d
        const { flashes: _taken, ...rest } = d
        return rest
      })
      return data.flashes
    })
  }

  get takeNext() {
    return Effect.map(this.state, (data) => {
      if (data?.next === undefined) return Option.none<string>()
      this.replace((d) => {
        if (d === undefined) return d
        const { next: _taken, ...rest } = d
        return rest
      })
      return Option.some(data.next)
    })
  }

  // --- The unauthorized and needs-refresh flows -------------------------------

  unauthorized(loginView?: string | null | undefined) {
    return Effect.gen(this, function*() {
      yield* this.emit(LoginEvents.LoginEvent.Unauthorized())
      if (this.config.onUnauthorized !== undefined) {
        return yield* Effect.provideService(
          this.config.onUnauthorized,
          HttpServerRequest.HttpServerRequest,
          this.request
        )
      }
      const view = loginView === undefined ? this.config.loginView : loginView ?? undefined
      if (view === undefined) return this.refusal("Unauthorized", "Login required")
      return yield* this.redirectTo(view, this.config.loginMessage)
    })
  }

  get needsRefresh() {
    return Effect.gen(this, function*() {
      yield* this.emit(LoginEvents.LoginEvent.NeedsRefresh({ userId: this.data?.userId }))
      if (this.config.onNeedsRefresh !== undefined) {
        return yield* Effect.provideService(
          this.config.onNeedsRefresh,
          HttpServerRequest.HttpServerRequest,
          this.request
        )
      }
      const view = this.config.refreshView
      if (view === undefined) return this.refusal("NeedsRefresh", "A fresh login is required")
      return yield* this.redirectTo(view, this.config.needsRefreshMessage)
    })
  }

  private refusal(error: string, message: string) {
    return (this.request.headers.accept ?? "").includes("application/json")
      ? HttpServerResponse.unsafeJson({ error, message }, { status: 401 })
      : HttpServerResponse.text("Unauthorized", { status: 401 })
  }

  private redirectTo(view: string, flash: Flash | undefined) {
    return Effect.gen(this, function*() {
      const next = this.next(view)
      const useSession = this.config.useSessionForNext
      const message = flash === undefined ? undefined : this.config.localize(flash.message, this.request)
      if (message !== undefined || useSession) {
        yield* this.update((data, now) => ({
          ...(data ?? { id: newId() }),
          ...(message === undefined
            ? {}
            : { flashes: [...(data?.flashes ?? []), [flash!.category, message] as const] }),
          ...(useSession ? { next } : {}),
          issuedAt: now
        })).pipe(
          // The flash or `next` is lost, not the redirect.
          Effect.catchAll((error) => Effect.logWarning("effect-login: could not keep the flash or next", error))
        )
      }
      return HttpServerResponse.redirect(useSession ? view : SafeRedirect.loginUrl(view, next), { status: 302 })
    })
  }

  /** Where the login view sends the user back: the path and query, or the full URL for another site's login view. */
  private next(view: string): string {
    const url = HttpServerRequest.toURL(this.request)
    if (Option.isNone(url)) return "/"
    const path = `${url.value.pathname}${url.value.search}`
    return absoluteUrl.test(view) && new URL(view).origin !== url.value.origin ? url.value.href : path
  }

  // --- The user's other sessions (server-side stores) ---------------------------

  get listSessions(): Effect.Effect<ReadonlyArray<Session.SessionInfo>, SessionStoreError> {
    return Effect.gen(
      this,
      function*() {
        const data = yield* this.state
        const store = this.handle.store
        if (data?.userId === undefined) return []
        if (store === undefined) return [{ current: true, createdAt: data.issuedAt, expiresAt: undefined }]
        const current = this.handle.key()
        const sessions = yield* store.listByUser(data.userId)
        return sessions.map(({ key, session }) => ({
          current: key === current,
          createdAt: session.createdAt,
          expiresAt: session.expiresAt
        }))
      }
    )
  }

  get logoutOtherDevices(): Effect.Effect<number, SessionStoreError> {
    return Effect.gen(this, function*() {
      const data = yield* this.state
      const store = this.handle.store
      if (data?.userId === undefined || store === undefined) return 0
      return yield* store.deleteByUser(data.userId, this.handle.key())
    })
  }

  get logoutEverywhere(): Effect.Effect<number, SessionStoreError> {
    return Effect.gen(this, function*() {
      const data = yield* this.state
      const store = this.handle.store
      // The others now; this one as any logout does, in the pre-response step.
      const ended = data?.userId === undefined || store === undefined
        ? 0
        : yield* store.deleteByUser(data.userId, this.handle.key())
      yield* this.logout
      return ended
    })
  }

  // --- The pre-response step ---------------------------------------------------

  /** Writes the session and the cookies when, and only when, something changed. */
  commit(response: HttpServerResponse.HttpServerResponse): Effect.Effect<HttpServerResponse.HttpServerResponse> {
    if (!this.loaded && this.remember === undefined) return Effect.succeed(response)
    let out = response
    if (this.loaded) {
      // The response depends on the cookie: shared caches must not serve it to someone else.
      const vary = out.headers["vary"]
      if (vary === undefined) out = HttpServerResponse.setHeader(out, "vary", "Cookie")
      else if (!/\bcookie\b/i.test(vary)) out = HttpServerResponse.setHeader(out, "vary", `${vary}, Cookie`)
    }
    // An emptied session that never had a cookie needs no cookie either.
    const dirty = (this.dirty || this.invalid) && (this.presented || (this.data !== undefined && !isEmpty(this.data)))
    const mutations = this.mutations
    const written = this.loaded
      ? this.handle.commit({
        dirty,
        data: this.data,
        rotate: this.rotate,
        replay: (data, now) => mutations.reduce<SessionData | undefined>((d, mutation) => mutation(d, now), data)
      }, out)
      : Effect.succeed(out)
    return Effect.map(written, (out) => this.commitRemember(out))
  }

  private commitRemember(response: HttpServerResponse.HttpServerResponse): HttpServerResponse.HttpServerResponse {
    const { remember } = this.config
    if (this.remember?._tag === "Set") {
      // Max-Age rather than Expires: the browser's clock need not agree with ours.
      return HttpServerResponse.unsafeSetCookie(response, remember.name, remember.codec.encode(this.remember.token), {
        ...remember.options,
        maxAge: Duration.millis(this.remember.maxAgeMillis)
      })
    }
    if (this.remember?._tag === "Clear") {
      // The same attributes as when it was set: browsers only delete a cookie they can match.
      const { expires: _expires, maxAge: _maxAge, ...options } = remember.options ?? {}
      return HttpServerResponse.expireCookie(response, remember.name, options)
    }
    return response
  }
}
