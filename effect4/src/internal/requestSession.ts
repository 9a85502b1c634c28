/**
 * One request's session: the pure decisions (sessionData, sessionProtection,
 * rememberMe, csrfGuard, userResolution, refusal) wired to the effects they
 * need (the store, the user loader, events). Read on first use, written back
 * once by the pre-response step (`commit`), and only when something changed.
 * Its own plain decisions are requestSessionCore.ts's, shared by both lines.
 *
 * Every operation is one `withFiberRuntime` step and stays synchronous while
 * its inputs are: a cookie session and a loader that answers from memory cost
 * no further Effect step (an `Exit` is an Effect, so results are returned as
 * `Exit`s and chained with `andThen`).
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Option from "effect/Option"
import * as Csrf from "../Csrf.js"
import * as LoginEvents from "../LoginEvents.js"
import * as Session from "../Session.js"
import type * as SessionCookie from "../SessionCookie.js"

import * as core from "../../../src/core/requestSession.js"
import * as sessionData from "../../../src/core/sessionData.js"
import { SessionJournal } from "../../../src/core/sessionJournal.js"
import type { SessionStoreError } from "../LoginError.js"
import type * as LoginError from "../LoginError.js"
import * as csrfGuard from "./csrfGuard.js"
import * as flaskMigration from "./flaskMigration.js"
import { andThen } from "./immediate.js"
import { bindingOf, type Config, stampOf } from "./loginConfig.js"
import * as persistence from "./persistence.js"
import * as refusal from "./refusal.js"
import * as rememberMe from "./rememberMe.js"
import * as secureCookies from "./secureCookies.js"
import { SingleFlight } from "./singleFlight.js"
import * as userResolution from "./userResolution.js"

type Failure = LoginError.UserLoaderError | SessionStoreError
type AnyFiber = Fiber.Fiber<unknown, unknown>

const currentTime = (fiber: AnyFiber) => fiber.getRef(Clock.Clock).currentTimeMillisUnsafe()

const anonymous = Exit.succeed(Option.none<unknown>())

/** @internal */
export class RequestSession implements Session.Session, userResolution.Resolver {
  readonly [Session.TypeId]: Session.TypeId = Session.TypeId
  /** The session was read from a Flask cookie: it has no stamp or client of ours yet. */
  migrated: flaskMigration.Migrated | undefined = undefined
  // Made on first use: a request that never touches its session allocates nothing more than this object.
  private readOf: SingleFlight<SessionJournal, SessionStoreError> | undefined = undefined
  private resolutionOf: SingleFlight<Option.Option<unknown>, Failure> | undefined = undefined
  private rememberOf: rememberMe.RememberState | undefined = undefined
  private handleOf: persistence.Handle | undefined = undefined
  /** A login or logout of this request: it wins over what was resolved. */
  private override: Option.Option<unknown> | undefined = undefined
  /** The user came from a request loader: not in the session, never fresh. */
  private fromRequest = false
  /** Its write-back is registered (by `LoginManager.sessionFor`; the middleware registers its own). */
  registered = false
  private committed = false

  constructor(readonly config: Config, readonly request: HttpServerRequest.HttpServerRequest) {}

  get remember(): rememberMe.RememberState {
    return this.rememberOf ??= new rememberMe.RememberState(
      this.request.headers.cookie,
      this.config.remember,
      this.config.flask,
      this.request.headers["user-agent"]
    )
  }

  private get handle(): persistence.Handle {
    return this.handleOf ??= this.config.persistence.open(this.request)
  }

  readonly publish = (event: LoginEvents.LoginEvent): void =>
    LoginEvents.unsafePublish(this.config.events, event, this.config.eventsContext)

  // --- Reading the session -------------------------------------------------------------

  private state(fiber: AnyFiber): Effect.Effect<SessionJournal, SessionStoreError> {
    return (this.readOf ??= new SingleFlight()).runNow(() => {
      const reason = csrfGuard.check(this.request, this.config.csrf, () => fiber.getRef(Csrf.currentExempt))
      if (reason !== undefined) return this.refuseCrossSite(reason)
      const now = currentTime(fiber)
      const { load, loadSync } = this.handle
      return loadSync !== undefined
        ? this.accept(loadSync(now), now)
        : Effect.flatMap(load(now), (loaded) => this.accept(loaded, now))
    })
  }

  private accept(loaded: persistence.Loaded, now: number): Effect.Effect<SessionJournal> {
    const journal = new SessionJournal(loaded, now)
    const flask = flaskMigration.sessionOf(loaded, this.config.flask, now)
    if (flask !== undefined) {
      // A Flask session: re-issued as ours on this response.
      this.migrated = flask
      journal.apply(() => flask.data, { rotate: true })
    }
    return loaded.rejected && flask === undefined
      ? Effect.as(Effect.logDebug("effect-login: session cookie rejected"), journal)
      : Exit.succeed(journal)
  }

  private refuseCrossSite(reason: string): Effect.Effect<never> {
    this.publish(LoginEvents.LoginEvent.CsrfRejected({ reason }))
    // The platform's "respond with this" defect: a refusal, not a failure to log.
    return Effect.die(refusal.csrfRejected(this.request, reason))
  }

  /** Runs `f` over the session, read first if it is not yet. */
  private use<A, E>(f: (journal: SessionJournal, fiber: AnyFiber) => Effect.Effect<A, E>) {
    return Effect.withFiber<A, E | SessionStoreError>((fiber) => andThen(this.state(fiber), (j) => f(j, fiber)))
  }

  readonly write = (journal: SessionJournal, mutation: sessionData.Mutation, rotate = false) => {
    const next = journal.preview(mutation)
    const tooLarge = next === undefined ? undefined : this.handle.check(next)
    if (tooLarge !== undefined) return Exit.fail(tooLarge)
    journal.apply(mutation, { rotate }, next)
    return Exit.void
  }

  // --- Who is the user ---------------------------------------------------------------------

  get user(): Effect.Effect<Option.Option<unknown>, Failure> {
    return Effect.withFiber((fiber) => this.userIn(fiber))
  }

  get authenticated(): Effect.Effect<Option.Option<unknown>, Failure> {
    const { isActive } = this.config.loader
    return Effect.withFiber((fiber) =>
      andThen(
        this.userIn(fiber),
        (user) => Option.isSome(user) && !isActive(user.value) ? anonymous : Exit.succeed(user)
      )
    )
  }

  private userIn(fiber: AnyFiber): Effect.Effect<Option.Option<unknown>, Failure> {
    if (this.override !== undefined) return Exit.succeed(this.override)
    return (this.resolutionOf ??= new SingleFlight()).runNow(() => {
      this.publish(LoginEvents.LoginEvent.Accessed())
      return andThen(
        this.state(fiber),
        (journal) =>
          andThen(userResolution.resolve(this, journal, currentTime(fiber)), (outcome) => {
            if (outcome._tag !== "Found") return anonymous
            this.fromRequest = outcome.via === "request"
            return Exit.succeed(Option.some(outcome.user))
          })
      )
    })
  }

  /** The user as this request knows it so far, without resolving it. */
  private get known(): Option.Option<unknown> {
    if (this.override !== undefined) return this.override
    const done = this.resolutionOf?.done
    return done !== undefined && Exit.isSuccess(done) ? done.value : Option.none()
  }

  // --- Login, logout, freshness --------------------------------------------------------------

  login(
    user: unknown,
    options?: Session.LoginOptions
  ): Effect.Effect<boolean, LoginError.SessionTooLarge | SessionStoreError> {
    const { loader, remember } = this.config
    if (options?.force !== true && !loader.isActive(user)) return Exit.succeed(false)
    return this.use((journal, fiber) => {
      const refused = csrfGuard.checkLogin(this.request, this.config.csrf, () => fiber.getRef(Csrf.currentExempt))
      if (refused !== undefined) return this.refuseCrossSite(refused)
      const userId = loader.id(user)
      const now = currentTime(fiber)
      const login = sessionData.loggedIn(userId, options?.fresh ?? true, bindingOf(this.config, this.request, user))
      // Session fixation: a login is a new session identity.
      const written = this.write(journal, login, true)
      if (Exit.isFailure(written)) return Exit.failCause(written.cause)
      if (options?.remember === true) {
        const duration = options.duration === undefined ? remember.durationMillis : Duration.toMillis(options.duration)
        this.remember.issue(userId, stampOf(this.config, user), now, duration)
      } else if (this.remember.came) {
        // Logging in without "remember me" must not leave an older remember cookie behind.
        this.remember.clear()
      }
      this.override = Option.some(user)
      this.fromRequest = false
      this.publish(LoginEvents.LoginEvent.LoggedIn({ userId }))
      return Exit.succeed(true)
    })
  }

  get logout(): Effect.Effect<void, SessionStoreError> {
    return this.use((journal) => {
      const known = this.known
      const userId = Option.isSome(known)
        ? this.config.loader.id(known.value)
        : journal.data?.userId ?? rememberMe.userIdOf(this.remember.incoming(journal.at))
      if (journal.data?.userId !== undefined) journal.apply(sessionData.loggedOut, { rotate: true })
      this.remember.logout(journal.at)
      this.override = Option.none()
      this.fromRequest = false
      this.publish(LoginEvents.LoginEvent.LoggedOut({ userId }))
      return Exit.void
    })
  }

  get confirmLogin(): Effect.Effect<void, Failure> {
    return Effect.withFiber((fiber) =>
      andThen(this.userIn(fiber), (user) =>
        andThen(this.state(fiber), (journal) => {
          const userId = journal.data?.userId
          if (userId !== undefined && Option.isSome(user)) {
            const binding = bindingOf(this.config, this.request, user.value)
            // Re-authentication is a new session identity, as a login is (OWASP ASVS 3.2.1).
            journal.apply(sessionData.confirmed(currentTime(fiber), binding), { rotate: true })
          }
          this.publish(LoginEvents.LoginEvent.LoginConfirmed({ userId }))
          return Exit.void
        }))
    )
  }

  get isFresh(): Effect.Effect<boolean, SessionStoreError> {
    return this.use(({ data }, fiber) => {
      return Exit.succeed(core.isFresh(data, this.fromRequest, this.config.freshMaxAgeMillis, currentTime(fiber)))
    })
  }

  get isRemembered(): Effect.Effect<boolean, Failure> {
    return Effect.withFiber((fiber) =>
      andThen(this.userIn(fiber), (user) =>
        Option.isNone(user) ? Exit.succeed(false) : andThen(
          this.remember.owner(currentTime(fiber)),
          (owner) => Exit.succeed(owner === this.config.loader.id(user.value))
        ))
    )
  }

  // --- The application's data -----------------------------------------------------------------

  get(key: string): Effect.Effect<Option.Option<unknown>, SessionStoreError> {
    return this.use(({ data }) => {
      const found = core.valueOf(data, key)
      return Exit.succeed(found === undefined ? Option.none() : Option.some(found.value))
    })
  }

  set(key: string, value: unknown): Effect.Effect<void, LoginError.SessionTooLarge | SessionStoreError> {
    return this.use((journal) => this.write(journal, sessionData.withValue(key, value)))
  }

  remove(key: string): Effect.Effect<void, SessionStoreError> {
    return this.use((journal) => {
      const data = journal.data?.data
      if (data !== undefined && Object.hasOwn(data, key)) journal.apply(sessionData.withoutValue(key))
      return Exit.void
    })
  }

  flash(message: string, category: string): Effect.Effect<void, LoginError.SessionTooLarge | SessionStoreError> {
    return this.use((journal) => this.write(journal, sessionData.withFlash([category, message])))
  }

  get takeFlashes(): Effect.Effect<ReadonlyArray<SessionCookie.Flash>, SessionStoreError> {
    return this.use((journal) => {
      const flashes = journal.data?.flashes ?? []
      if (flashes.length > 0) journal.apply(sessionData.withoutFlashes)
      return Exit.succeed(flashes)
    })
  }

  get takeNext(): Effect.Effect<Option.Option<string>, SessionStoreError> {
    return this.use((journal) => {
      const next = Option.fromNullishOr(journal.data?.next)
      if (Option.isSome(next)) journal.apply(sessionData.withoutNext)
      return Exit.succeed(next)
    })
  }

  // --- The user's other sessions -----------------------------------------------------------------

  get listSessions(): Effect.Effect<ReadonlyArray<Session.SessionInfo>, SessionStoreError> {
    return this.use((journal) => {
      const { data } = journal
      if (data?.userId === undefined) return Exit.succeed([])
      return this.handle.sessionsOf(data.userId, data, this.remember.seriesKey(journal.at))
    })
  }

  get logoutOtherDevices(): Effect.Effect<number, SessionStoreError> {
    return this.use((journal) => {
      const userId = journal.data?.userId
      if (userId === undefined) return Exit.succeed(0)
      if (
        !core.canReachOthers(this.config.remember.store !== undefined, this.config.loader.securityStamp !== undefined)
      ) {
        // Cookie sessions, and no stamp to change: nothing can reach the other browsers. Say so.
        return Effect.as(Effect.logWarning(core.revokesNothing), 0)
      }
      // This browser's remember token is kept with its session; a logout ends both.
      const series = this.remember.seriesKey(journal.at)
      return this.handle.endOthers(userId, series === undefined ? [] : [series])
    })
  }

  get logoutEverywhere(): Effect.Effect<number, SessionStoreError> {
    // The others now; this one as any logout does, in the pre-response step.
    return Effect.tap(this.logoutOtherDevices, () => this.logout)
  }

  // --- Refusals --------------------------------------------------------------------------------------

  /** Publishes a refusal's event: the HttpApi integration answers with errors of its own. */
  announce(kind: refusal.Kind): void {
    const done = this.readOf?.done
    const userId = done !== undefined && Exit.isSuccess(done) ? done.value.data?.userId : undefined
    this.publish(
      kind === "Unauthorized" ? LoginEvents.LoginEvent.Unauthorized() : LoginEvents.LoginEvent.NeedsRefresh({ userId })
    )
  }

  unauthorized(loginView?: string | null | undefined): Effect.Effect<HttpServerResponse.HttpServerResponse> {
    return Effect.suspend(() => {
      this.announce("Unauthorized")
      return this.respond("Unauthorized", core.loginViewOf(loginView, this.config.refusal.loginView))
    })
  }

  get needsRefresh(): Effect.Effect<HttpServerResponse.HttpServerResponse> {
    return Effect.suspend(() => {
      this.announce("NeedsRefresh")
      return this.respond("NeedsRefresh", this.config.refusal.refreshView)
    })
  }

  private respond(kind: refusal.Kind, view: string | undefined) {
    return refusal.respond(
      this.config.refusal,
      this.request,
      kind,
      view,
      (mutation) => this.use((journal) => this.write(journal, mutation))
    )
  }

  // --- The pre-response step ----------------------------------------------------------------------------

  /** Writes the session and the cookies when, and only when, something changed. */
  commit(response: HttpServerResponse.HttpServerResponse): Effect.Effect<HttpServerResponse.HttpServerResponse> {
    // Once: two integrations of one request (a router and an HttpApi) may both have registered it.
    if (this.committed) return Exit.succeed(response)
    this.committed = true
    const done = this.readOf?.done
    const committed = done === undefined || Exit.isFailure(done)
      ? rememberMe.commit(this.rememberOf, response)
      : andThen(
        this.handle.commit(done.value.change(), persistence.varyOnCookie(response)),
        (written) => rememberMe.commit(this.rememberOf, written)
      )
    const secure = this.config.secureCookies
    return secure.enabled && !secure.warned
      ? andThen(committed, (written) => secureCookies.warnIfDropped(secure, this.request, written))
      : committed
  }
}
