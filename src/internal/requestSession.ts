/**
 * One request's session: the wiring of the pure decisions (session data,
 * protection, remember me, CSRF, refusals) to the effects they need (the
 * store, the user loader, events). Read on first use, written back once by
 * the pre-response step (`commit`), and only when something changed.
 *
 * Every operation runs in one `withFiberRuntime` step and stays synchronous
 * while its inputs are: a cookie session and a loader that answers from
 * memory cost no further Effect step.
 *
 * @internal
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import type * as PubSub from "effect/PubSub"
import * as Csrf from "../Csrf.js"
import type * as FlaskCompat from "../FlaskCompat.js"
import * as LoginEvents from "../LoginEvents.js"
import * as Session from "../Session.js"
import type { SessionStoreError } from "../SessionStore.js"
import type * as UserLoader from "../UserLoader.js"
import * as cookieHeader from "./cookieHeader.js"
import * as csrfGuard from "./csrfGuard.js"
import * as flaskMigration from "./flaskMigration.js"
import type * as persistence from "./persistence.js"
import * as refusal from "./refusal.js"
import * as rememberMe from "./rememberMe.js"
import * as sessionData from "./sessionData.js"
import { SessionJournal } from "./sessionJournal.js"
import * as sessionProtection from "./sessionProtection.js"
import { andThen, SingleFlight } from "./singleFlight.js"
import * as userResolution from "./userResolution.js"

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
  readonly persistence: persistence.Persistence
  readonly loader: UserLoader.UserLoader
  readonly events: PubSub.PubSub<LoginEvents.LoginEvent>
  readonly remember: rememberMe.Settings
  readonly protection: sessionProtection.Mode
  /** Identifies the client (IP and User-Agent, hashed); `undefined` when protection is off. */
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
  readonly onUnauthorized: Handler | undefined
  readonly onNeedsRefresh: Handler | undefined
  /** Also accept a Flask app's cookies, and replace them with ours. */
  readonly flask: FlaskCompat.Options | undefined
  /** `undefined` when CSRF protection is off. */
  readonly csrf: csrfGuard.Settings | undefined
}

type Handler = Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>
type Failure = UserLoader.UserLoaderError | SessionStoreError
type AnyFiber = Fiber.RuntimeFiber<unknown, unknown>

const currentTime = (fiber: AnyFiber) =>
  Context.get(fiber.currentDefaultServices, Clock.Clock).unsafeCurrentTimeMillis()

const found = (user: unknown) => Exit.succeed(userResolution.Outcome.Found({ user }))
const next = Exit.succeed(userResolution.next)
const ended = Exit.succeed(userResolution.ended)

/** @internal */
export class RequestSession implements Session.Session {
  readonly [Session.TypeId]: Session.TypeId = Session.TypeId
  private readonly read = new SingleFlight<SessionJournal, SessionStoreError>()
  private readonly resolution = new SingleFlight<Option.Option<unknown>, Failure>()
  private handleOf: persistence.Handle | undefined = undefined
  /** A login or logout of this request: it wins over what was resolved. */
  private override: Option.Option<unknown> | undefined = undefined
  /** The user came from a request loader: not in the session, never fresh. */
  private fromRequest = false
  /** The session was read from a Flask cookie: it has no stamp or client yet. */
  private migrated = false
  private incomingOf: rememberMe.Incoming | undefined = undefined
  /** What the response does with the remember cookie. */
  private outgoing: rememberMe.Outgoing | undefined = undefined

  constructor(readonly config: Config, readonly request: HttpServerRequest.HttpServerRequest) {}

  private get handle(): persistence.Handle {
    return this.handleOf ??= this.config.persistence.open(this.request)
  }

  private incoming(now: number): rememberMe.Incoming {
    return this.incomingOf ??= rememberMe.read(
      this.request.headers.cookie,
      this.config.remember,
      this.config.flask,
      now
    )
  }

  private publish(event: LoginEvents.LoginEvent): void {
    LoginEvents.unsafePublish(this.config.events, event)
  }

  // --- Reading the session ----------------------------------------------------

  private state(fiber: AnyFiber): Effect.Effect<SessionJournal, SessionStoreError> {
    return this.read.runNow(() => {
      const reason = csrfGuard.check(this.request, this.config.csrf, () => fiber.getFiberRef(Csrf.currentExempt))
      if (reason !== undefined) {
        this.publish(LoginEvents.LoginEvent.CsrfRejected({ reason }))
        // The platform's "respond with this" defect: a refusal, not a failure to log.
        return Effect.die(refusal.csrfRejected(this.request, reason))
      }
      const now = currentTime(fiber)
      const { loadSync } = this.handle
      return loadSync !== undefined
        ? Exit.succeed(this.accept(loadSync(now), now))
        : Effect.map(this.handle.load(now), (loaded) => this.accept(loaded, now))
    })
  }

  private accept(loaded: persistence.Loaded, now: number): SessionJournal {
    const journal = new SessionJournal(loaded, now)
    const flask = this.config.flask === undefined || !loaded.rejected || loaded.raw === undefined
      ? undefined
      : flaskMigration.session(loaded.raw, this.config.flask, now)
    if (flask !== undefined) {
      // A Flask session: re-issued as ours on this response.
      this.migrated = true
      journal.apply(() => flask, { rotate: true })
    }
    return journal
  }

  private get journal(): SessionJournal | undefined {
    const done = this.read.done
    return done !== undefined && Exit.isSuccess(done) ? done.value : undefined
  }

  private use<A, E>(f: (journal: SessionJournal, fiber: AnyFiber) => Effect.Effect<A, E>) {
    return Effect.withFiberRuntime<A, E | SessionStoreError>((fiber) => andThen(this.state(fiber), (j) => f(j, fiber)))
  }

  /** Applies a change that can make the session too large for its cookie. */
  private write(journal: SessionJournal, mutation: sessionData.Mutation, rotate = false) {
    const next = journal.preview(mutation)
    const tooLarge = next === undefined ? undefined : this.handle.check(next)
    if (tooLarge !== undefined) return Exit.fail(tooLarge)
    journal.apply(mutation, { rotate })
    return Exit.void
  }

  // --- Who is the user ----------------------------------------------------------

  get user(): Effect.Effect<Option.Option<unknown>, Failure> {
    return Effect.withFiberRuntime((fiber) => this.userIn(fiber))
  }

  private userIn(fiber: AnyFiber): Effect.Effect<Option.Option<unknown>, Failure> {
    if (this.override !== undefined) return Exit.succeed(this.override)
    return this.resolution.runNow(() => {
      this.publish(LoginEvents.LoginEvent.Accessed())
      return andThen(
        this.state(fiber),
        (journal) => userResolution.firstOf<Failure>(this.sources(journal, currentTime(fiber)))
      )
    })
  }

  get authenticated(): Effect.Effect<Option.Option<unknown>, Failure> {
    const { loader } = this.config
    return Effect.withFiberRuntime((fiber) =>
      andThen(this.userIn(fiber), (user) => Exit.succeed(Option.filter(user, loader.isActive)))
    )
  }

  private sources(journal: SessionJournal, now: number): ReadonlyArray<userResolution.Source<Failure>> {
    return [
      () => this.fromSession(journal),
      () => this.fromRememberCookie(journal, now),
      ...this.config.loader.requestLoaders.map((loader) => () =>
        andThen(loader.load(this.request), (user) => {
          if (Option.isNone(user)) return next
          this.fromRequest = true
          this.publish(LoginEvents.LoginEvent.LoadedFromRequest({ userId: this.config.loader.id(user.value) }))
          return found(user.value)
        })
      )
    ]
  }

  private fromSession(journal: SessionJournal): Effect.Effect<userResolution.Outcome, UserLoader.UserLoaderError> {
    const data = journal.data
    const userId = data?.userId
    if (userId === undefined) return next
    const { loader } = this.config
    if (this.migrated) {
      // A migrated Flask login is bound to this client and to the user's stamp now.
      return andThen(loader.load(userId), (user) => {
        if (Option.isNone(user)) return next
        journal.apply(sessionData.bound(this.binding(user.value)))
        return found(user.value)
      })
    }
    const client = this.config.client?.(this.request)
    switch (sessionProtection.decide(this.config.protection, data!.client, client)) {
      case "Bind":
        journal.apply(sessionData.bound({ client }))
        break
      case "Stale":
        if (data!.fresh !== false) journal.apply(sessionData.stale)
        this.publish(LoginEvents.LoginEvent.SessionProtected({ userId, mode: "basic" }))
        break
      case "End":
        journal.apply(sessionData.loginEnded(userId))
        this.outgoing = rememberMe.clear
        this.publish(LoginEvents.LoginEvent.SessionProtected({ userId, mode: "strong" }))
        return ended
    }
    return andThen(loader.load(userId), (user) => {
      if (Option.isSome(user) && sessionProtection.stampHolds(this.stampOf(user.value), data!.stamp)) {
        this.outgoing ??= rememberMe.refresh(this.incoming(journal.at), userId, this.config.remember, journal.at)
        return found(user.value)
      }
      // Deleted, or revoked: end the login rather than keep a dangling id that
      // a user created later with the same id would inherit.
      if (journal.data?.userId === userId) journal.apply(sessionData.loginEnded(userId))
      return next
    })
  }

  private fromRememberCookie(
    journal: SessionJournal,
    now: number
  ): Effect.Effect<userResolution.Outcome, UserLoader.UserLoaderError> {
    if (this.outgoing?._tag === "Clear") return next
    const incoming = this.incoming(now)
    if (incoming._tag === "Absent") return next
    if (incoming._tag === "Invalid") {
      this.outgoing = rememberMe.clear
      return next
    }
    const userId = rememberMe.userIdOf(incoming)!
    return andThen(this.config.loader.load(userId), (user) => {
      if (
        Option.isNone(user) ||
        (incoming._tag === "Valid" && !sessionProtection.stampHolds(this.stampOf(user.value), incoming.token.stamp))
      ) {
        this.outgoing = rememberMe.clear
        return next
      }
      // A restored login is a new session, not a fresh one; bound to this client,
      // so that strong protection does not end it on the next request.
      const binding = this.binding(user.value)
      const restored = sessionData.restored(userId, binding)
      const fits = this.write(journal, restored, true)
      if (Exit.isFailure(fits)) journal.apply(sessionData.restoredAlone(userId, binding), { rotate: true })
      this.outgoing = incoming._tag === "Legacy"
        // Replace the Flask cookie with a token of ours, which can expire and be revoked.
        ? rememberMe.issue(userId, this.stampOf(user.value), now, this.config.remember.durationMillis)
        : this.outgoing ?? rememberMe.refresh(incoming, userId, this.config.remember, now)
      this.publish(LoginEvents.LoginEvent.LoadedFromCookie({ userId }))
      return found(user.value)
    })
  }

  private stampOf(user: unknown): string | undefined {
    const stamp = this.config.loader.securityStamp?.(user)
    return stamp === undefined ? undefined : this.config.stampHash(stamp)
  }

  /** The parts of a session that tie a login to this client and to the user's stamp. */
  private binding(user: unknown): sessionData.Binding {
    return { client: this.config.client?.(this.request), stamp: this.stampOf(user) }
  }

  /** The user as this request knows it so far, without resolving it. */
  private get known(): Option.Option<unknown> {
    if (this.override !== undefined) return this.override
    const done = this.resolution.done
    return done !== undefined && Exit.isSuccess(done) ? done.value : Option.none()
  }

  // --- Login, logout, freshness ---------------------------------------------------

  login(
    user: unknown,
    options?: Session.LoginOptions
  ): Effect.Effect<boolean, Session.SessionTooLarge | SessionStoreError> {
    const { loader, remember } = this.config
    if (options?.force !== true && !loader.isActive(user)) return Exit.succeed(false)
    return this.use((journal, fiber) => {
      const userId = loader.id(user)
      // Session fixation: a login is a new session identity.
      const written = this.write(
        journal,
        sessionData.loggedIn(userId, options?.fresh ?? true, this.binding(user)),
        true
      )
      if (Exit.isFailure(written)) return Exit.failCause(written.cause)
      if (options?.remember === true) {
        const duration = options.duration === undefined ? remember.durationMillis : Duration.toMillis(options.duration)
        this.outgoing = rememberMe.issue(userId, this.stampOf(user), currentTime(fiber), duration)
      } else if (cookieHeader.readCookie(this.request.headers.cookie, remember.name) !== undefined) {
        // Logging in without "remember me" must not leave an older remember cookie behind.
        this.outgoing = rememberMe.clear
      }
      this.override = Option.some(user)
      this.fromRequest = false
      this.publish(LoginEvents.LoginEvent.LoggedIn({ userId }))
      return Exit.succeed(true)
    })
  }

  get logout(): Effect.Effect<void, SessionStoreError> {
    return this.use((journal) => {
      const incoming = this.incoming(journal.at)
      const known = this.known
      const userId = Option.isSome(known)
        ? this.config.loader.id(known.value)
        : journal.data?.userId ?? rememberMe.userIdOf(incoming)
      if (journal.data?.userId !== undefined) journal.apply(sessionData.loggedOut, { rotate: true })
      // Even when the session was lost in between: the remember cookie must not log the user back in.
      if (incoming._tag !== "Absent") this.outgoing = rememberMe.clear
      else if (this.outgoing?._tag === "Set") this.outgoing = undefined
      this.override = Option.none()
      this.fromRequest = false
      this.publish(LoginEvents.LoginEvent.LoggedOut({ userId }))
      return Exit.void
    })
  }

  get confirmLogin(): Effect.Effect<void, Failure> {
    return Effect.withFiberRuntime((fiber) =>
      andThen(this.userIn(fiber), (user) =>
        andThen(this.state(fiber), (journal) => {
          const userId = journal.data?.userId
          if (userId !== undefined && Option.isSome(user)) {
            journal.apply(sessionData.confirmed(currentTime(fiber), this.binding(user.value)))
          }
          this.publish(LoginEvents.LoginEvent.LoginConfirmed({ userId }))
          return Exit.void
        }))
    )
  }

  get isFresh(): Effect.Effect<boolean, SessionStoreError> {
    return this.use((journal, fiber) => {
      const data = journal.data
      if (this.fromRequest || data?.userId === undefined || data.fresh !== true) return Exit.succeed(false)
      const maxAge = this.config.freshMaxAgeMillis
      return Exit.succeed(
        maxAge === undefined || (data.freshAt !== undefined && currentTime(fiber) - data.freshAt < maxAge)
      )
    })
  }

  get isRemembered(): Effect.Effect<boolean, Failure> {
    return Effect.withFiberRuntime((fiber) =>
      andThen(this.userIn(fiber), (user) =>
        Exit.succeed(
          Option.isSome(user) && this.outgoing?._tag !== "Clear" &&
            rememberMe.userIdOf(this.incoming(currentTime(fiber))) === this.config.loader.id(user.value)
        ))
    )
  }

  // --- The application's data ----------------------------------------------------

  get(key: string): Effect.Effect<Option.Option<unknown>, SessionStoreError> {
    return this.use(({ data }) =>
      Exit.succeed(
        data?.data !== undefined && Object.hasOwn(data.data, key) ? Option.some(data.data[key]) : Option.none()
      )
    )
  }

  set(key: string, value: unknown): Effect.Effect<void, Session.SessionTooLarge | SessionStoreError> {
    return this.use((journal) => this.write(journal, sessionData.withValue(key, value)))
  }

  remove(key: string): Effect.Effect<void, SessionStoreError> {
    return this.use((journal) => {
      if (journal.data?.data !== undefined && Object.hasOwn(journal.data.data, key)) {
        journal.apply(sessionData.withoutValue(key))
      }
      return Exit.void
    })
  }

  flash(message: string, category: string): Effect.Effect<void, Session.SessionTooLarge | SessionStoreError> {
    return this.use((journal) => this.write(journal, sessionData.withFlash([category, message])))
  }

  get takeFlashes() {
    return this.use((journal) => {
      const flashes = journal.data?.flashes ?? []
      if (flashes.length > 0) journal.apply(sessionData.withoutFlashes)
      return Exit.succeed(flashes)
    })
  }

  get takeNext() {
    return this.use((journal) => {
      const taken = Option.fromNullable(journal.data?.next)
      if (Option.isSome(taken)) journal.apply(sessionData.withoutNext)
      return Exit.succeed(taken)
    })
  }

  // --- The user's other sessions ---------------------------------------------------

  get listSessions(): Effect.Effect<ReadonlyArray<Session.SessionInfo>, SessionStoreError> {
    return this.use(({ data }) =>
      data?.userId === undefined ? Exit.succeed([]) : this.handle.sessionsOf(data.userId, data)
    )
  }

  get logoutOtherDevices(): Effect.Effect<number, SessionStoreError> {
    return this.use(({ data }) => data?.userId === undefined ? Exit.succeed(0) : this.handle.endOthers(data.userId))
  }

  get logoutEverywhere(): Effect.Effect<number, SessionStoreError> {
    // The others now; this one as any logout does, in the pre-response step.
    return Effect.zipLeft(this.logoutOtherDevices, this.logout)
  }

  // --- Refusals ------------------------------------------------------------------------

  /** Publishes the event of a refusal: the HttpApi integration answers with its own errors. */
  announce(kind: refusal.Kind): void {
    this.publish(
      kind === "Unauthorized"
        ? LoginEvents.LoginEvent.Unauthorized()
        : LoginEvents.LoginEvent.NeedsRefresh({ userId: this.journal?.data?.userId })
    )
  }

  unauthorized(loginView?: string | null | undefined): Effect.Effect<HttpServerResponse.HttpServerResponse> {
    return Effect.suspend(() => {
      this.announce("Unauthorized")
      const view = loginView === undefined ? this.config.loginView : loginView ?? undefined
      return this.refuse("Unauthorized", this.config.onUnauthorized, view, this.config.loginMessage)
    })
  }

  get needsRefresh(): Effect.Effect<HttpServerResponse.HttpServerResponse> {
    return Effect.suspend(() => {
      this.announce("NeedsRefresh")
      const { needsRefreshMessage, onNeedsRefresh, refreshView } = this.config
      return this.refuse("NeedsRefresh", onNeedsRefresh, refreshView, needsRefreshMessage)
    })
  }

  private refuse(kind: refusal.Kind, handler: Handler | undefined, view: string | undefined, flash: Flash | undefined) {
    if (handler !== undefined) return Effect.provideService(handler, HttpServerRequest.HttpServerRequest, this.request)
    if (view === undefined) return Exit.succeed(refusal.unauthorized(this.request, kind))
    const next = refusal.next(this.request, view)
    const { localize, useSessionForNext } = this.config
    const response = refusal.redirect(view, next, useSessionForNext)
    const message = flash === undefined ? undefined : localize(flash.message, this.request)
    if (message === undefined && !useSessionForNext) return Exit.succeed(response)
    const keep = this.use((journal) =>
      this.write(
        journal,
        sessionData.withFlash(
          message === undefined ? undefined : [flash!.category, message],
          useSessionForNext ? next : undefined
        )
      )
    )
    return keep.pipe(
      // The flash or `next` is lost, not the redirect.
      Effect.catchAll((error) => Effect.logWarning("effect-login: could not keep the flash or next", error)),
      Effect.as(response)
    )
  }

  // --- The pre-response step -----------------------------------------------------------

  /** Writes the session and the cookies when, and only when, something changed. */
  commit(response: HttpServerResponse.HttpServerResponse): Effect.Effect<HttpServerResponse.HttpServerResponse> {
    const journal = this.journal
    if (journal === undefined) return Exit.succeed(rememberMe.write(response, this.outgoing, this.config.remember))
    // The response depends on the cookie: shared caches must not serve it to someone else.
    return andThen(
      this.handle.commit(journal.change(), varyOnCookie(response)),
      (written) => Exit.succeed(rememberMe.write(written, this.outgoing, this.config.remember))
    )
  }
}

const varyOnCookie = (response: HttpServerResponse.HttpServerResponse) => {
  const vary = response.headers["vary"]
  return vary === undefined
    ? HttpServerResponse.setHeader(response, "vary", "Cookie")
    : /\bcookie\b/i.test(vary)
    ? response
    : HttpServerResponse.setHeader(response, "vary", `${vary}, Cookie`)
}
