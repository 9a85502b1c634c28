/**
 * Every Flask-Login signal as a typed event, published to a `PubSub` that
 * applications subscribe to (audit logs, metrics, notifications).
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as PubSub from "effect/PubSub"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

/**
 * | event | Flask-Login signal | when |
 * |---|---|---|
 * | `LoggedIn` | `user_logged_in` | a login succeeded |
 * | `LoggedOut` | `user_logged_out` | a logout (`userId` absent when nobody was logged in) |
 * | `LoadedFromCookie` | `user_loaded_from_cookie` | the remember cookie restored a login |
 * | `LoadedFromRequest` | `user_loaded_from_request` | a request loader (API key, bearer) found the user |
 * | `LoginConfirmed` | `user_login_confirmed` | `confirmLogin` made the login fresh again |
 * | `Unauthorized` | `user_unauthorized` | an anonymous request met a login requirement |
 * | `NeedsRefresh` | `user_needs_refresh` | a stale login met a fresh-login requirement |
 * | `SessionProtected` | `session_protected` | session protection acted (the client changed) |
 * | `Accessed` | `user_accessed` | the current user was asked for, first time in a request |
 * | `CsrfRejected` | — | a cross-site request carrying the session was refused |
 * | `RememberTokenReused` | — | a remember token used once already came back (a copied cookie): every session and remember token of the user ended |
 *
 * @since 0.2.0
 * @category models
 */
export type LoginEvent = Data.TaggedEnum<{
  LoggedIn: { readonly userId: string }
  LoggedOut: { readonly userId: string | undefined }
  LoadedFromCookie: { readonly userId: string }
  LoadedFromRequest: { readonly userId: string }
  LoginConfirmed: { readonly userId: string | undefined }
  Unauthorized: {}
  NeedsRefresh: { readonly userId: string | undefined }
  SessionProtected: { readonly userId: string; readonly mode: "basic" | "strong" }
  Accessed: {}
  CsrfRejected: { readonly reason: string }
  RememberTokenReused: { readonly userId: string }
}>

/**
 * Constructors and matchers: `LoginEvent.LoggedIn({ userId })`, `LoginEvent.$is("LoggedIn")`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const LoginEvent = Data.taggedEnum<LoginEvent>()

/**
 * The hub the login manager publishes to.
 *
 * @since 0.2.0
 * @category services
 */
export class LoginEvents
  extends Context.Service<LoginEvents, PubSub.PubSub<LoginEvent>>()("effect-login/LoginEvents")
{}

/**
 * An unbounded hub: publishing never waits for a slow subscriber, and with no
 * subscriber nothing is kept.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer: Layer.Layer<LoginEvents> = Layer.effect(LoginEvents, PubSub.unbounded<LoginEvent>())

/**
 * The events published from now on.
 *
 * @since 0.2.0
 * @category accessors
 */
export const stream: Stream.Stream<LoginEvent, never, LoginEvents> = Stream.unwrap(
  Effect.map(LoginEvents.use(PubSub.subscribe<LoginEvent>), Stream.fromSubscription)
)

/**
 * Subscribes now, within the scope: events published after this returns are
 * in the subscription, none are lost between subscribing and reading.
 *
 * @since 0.2.0
 * @category accessors
 */
export const subscribe: Effect.Effect<PubSub.Subscription<LoginEvent>, never, LoginEvents | Scope.Scope> = LoginEvents
  .use(PubSub.subscribe<LoginEvent>)

/**
 * Counts events by type (`effect_login_events_total{event="LoggedIn"}`).
 *
 * @since 0.2.0
 * @category metrics
 */
export const eventsTotal = Metric.counter("effect_login_events_total", {
  description: "Login events, by type (event label)",
  incremental: true
})

/**
 * Publishes an event and counts it.
 *
 * @since 0.2.0
 * @category constructors
 */
export const publish = (hub: PubSub.PubSub<LoginEvent>, event: LoginEvent): Effect.Effect<void> =>
  Effect.contextWith((context) => Effect.sync(() => unsafePublish(hub, event, context)))

/**
 * Publishes an event and counts it, now: for code that already runs inside an
 * effect (the request core publishes this way, without an Effect step per event).
 * The count goes to the `Metric.MetricRegistry` of `context`: pass the fiber's
 * context when the application provides its own registry (the default one otherwise).
 *
 * @since 0.2.0
 * @category unsafe
 */
export const unsafePublish = (
  hub: PubSub.PubSub<LoginEvent>,
  event: LoginEvent,
  context: Context.Context<never> = Context.empty()
): void => {
  counterOf(event._tag).updateUnsafe(1, context)
  PubSub.publishUnsafe(hub, event)
}

// One counter per event type (its event attribute), made once rather than on every publish.
const counters = new Map<LoginEvent["_tag"], Metric.Metric<number, Metric.CounterState<number>>>()
const counterOf = (tag: LoginEvent["_tag"]) => {
  let counter = counters.get(tag)
  if (counter === undefined) {
    counter = Metric.withAttributes(eventsTotal, { event: tag })
    counters.set(tag, counter)
  }
  return counter
}
