/**
 * The events hub itself: subscribing, streaming, publishing and counting.
 * The events a login manager publishes (login, logout…) are tested with it.
 */
import { LoginManager, Session } from "@effect-login/effect4"
import * as LoginEvents from "@effect-login/effect4/LoginEvents"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Metric, PubSub, Stream } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { testClient } from "./utils/client.js"
import { login, loginLayer, users } from "./utils/fixtures.js"

const { LoginEvent } = LoginEvents

const count = (tag: LoginEvents.LoginEvent["_tag"]) =>
  Effect.map(Metric.value(Metric.withAttributes(LoginEvents.eventsTotal, { event: tag })), (state) => state.count)

// Sequential: the metrics registry is shared by the tests of this file.
describe("LoginEvents", { concurrent: false }, () => {
  it.effect("subscribe: a subscription to the events published from then on", () =>
    Effect.gen(function*() {
      const hub = yield* LoginEvents.LoginEvents
      yield* LoginEvents.publish(hub, LoginEvent.LoggedIn({ userId: "1" }))
      const events = yield* LoginEvents.subscribe
      yield* LoginEvents.publish(hub, LoginEvent.LoggedIn({ userId: "2" }))
      yield* LoginEvents.publish(hub, LoginEvent.LoggedOut({ userId: "2" }))
      const seen = yield* PubSub.takeAll(events)
      assert.deepStrictEqual(seen, [
        LoginEvent.LoggedIn({ userId: "2" }),
        LoginEvent.LoggedOut({ userId: "2" })
      ])
      assert.isTrue(LoginEvent.$is("LoggedIn")(seen[0]))
      assert.isFalse(LoginEvent.$is("LoggedIn")(seen[1]))
    }).pipe(Effect.provide(LoginEvents.layer)))

  it.effect("stream: the same events as a Stream", () =>
    Effect.gen(function*() {
      const hub = yield* LoginEvents.LoginEvents
      const fiber = yield* LoginEvents.stream.pipe(Stream.take(2), Stream.runCollect, Effect.forkChild)
      // The stream subscribes when it starts: once it has, it will see what follows.
      for (let i = 0; hub.subscribers.size === 0; i++) {
        assert.isBelow(i, 100, "the stream never subscribed")
        yield* Effect.yieldNow
      }
      yield* LoginEvents.publish(hub, LoginEvent.LoggedIn({ userId: "2" }))
      yield* LoginEvents.publish(hub, LoginEvent.LoggedOut({ userId: "2" }))
      const seen = yield* Fiber.join(fiber)
      assert.deepStrictEqual(Array.from(seen).map((e) => e._tag), ["LoggedIn", "LoggedOut"])
    }).pipe(Effect.provide(LoginEvents.layer)))

  it.effect("publish counts events by type", () =>
    Effect.gen(function*() {
      const hub = yield* LoginEvents.LoginEvents
      const before = yield* count("LoggedIn")
      const otherBefore = yield* count("LoggedOut")
      yield* LoginEvents.publish(hub, LoginEvent.LoggedIn({ userId: "2" }))
      yield* LoginEvents.publish(hub, LoginEvent.LoggedIn({ userId: "2" }))
      assert.strictEqual((yield* count("LoggedIn")) - before, 2)
      assert.strictEqual((yield* count("LoggedOut")) - otherBefore, 0)
    }).pipe(Effect.provide(LoginEvents.layer)))

  it.effect("unsafePublish: published and counted at once, outside any effect", () =>
    Effect.gen(function*() {
      const hub = yield* LoginEvents.LoginEvents
      const events = yield* LoginEvents.subscribe
      const before = yield* count("CsrfRejected")
      LoginEvents.unsafePublish(hub, LoginEvent.CsrfRejected({ reason: "test" }))
      assert.deepStrictEqual(yield* PubSub.takeAll(events), [LoginEvent.CsrfRejected({ reason: "test" })])
      assert.strictEqual((yield* count("CsrfRejected")) - before, 1)
    }).pipe(Effect.provide(LoginEvents.layer)))

  it.effect("publish and unsafePublish (given the fiber's context) count in the application's own registry", () =>
    Effect.gen(function*() {
      const hub = yield* LoginEvents.LoginEvents
      const context = yield* Effect.context<never>()
      yield* LoginEvents.publish(hub, LoginEvent.Accessed())
      LoginEvents.unsafePublish(hub, LoginEvent.Accessed(), context)
      assert.strictEqual(yield* count("Accessed"), 2)
    }).pipe(Effect.provide(LoginEvents.layer), Effect.provideService(Metric.MetricRegistry, new Map())))
})

// The events a login manager publishes, over HTTP (test/LoginEvents.test.ts of the Effect 3 line).
const client = Effect.flatMap(
  Effect.map(
    HttpRouter.toHttpEffect(HttpRouter.addAll([
      HttpRouter.route("GET", "/login", Effect.as(login(users.get("2")!), HttpServerResponse.text("ok"))),
      HttpRouter.route("GET", "/logout", Effect.as(Session.logout, HttpServerResponse.text("ok")))
    ])),
    LoginManager.middleware
  ),
  (app) => testClient(app)
)

// Sequential: the metrics registry is shared by the tests of this file.
describe("LoginEvents of a login manager", { concurrent: false }, () => {
  it.effect("subscribe: the events of logging in and out, published from then on", () =>
    Effect.gen(function*() {
      const events = yield* LoginEvents.subscribe
      const browser = yield* client
      yield* browser.get("/login")
      yield* browser.get("/logout")
      const seen = yield* PubSub.takeAll(events)
      assert.deepStrictEqual(seen, [
        LoginEvent.LoggedIn({ userId: "2" }),
        LoginEvent.LoggedOut({ userId: "2" })
      ])
      assert.isTrue(LoginEvent.$is("LoggedIn")(seen[0]))
    }).pipe(Effect.provide(loginLayer())))

  it.effect("stream: the same events as a Stream", () =>
    Effect.gen(function*() {
      const hub = yield* LoginEvents.LoginEvents
      const fiber = yield* LoginEvents.stream.pipe(Stream.take(2), Stream.runCollect, Effect.forkChild)
      // The stream subscribes when it starts: once it has, it will see what follows.
      for (let i = 0; hub.subscribers.size === 0; i++) {
        assert.isBelow(i, 100, "the stream never subscribed")
        yield* Effect.yieldNow
      }
      const browser = yield* client
      yield* browser.get("/login")
      yield* browser.get("/logout")
      const seen = yield* Fiber.join(fiber)
      assert.deepStrictEqual(Array.from(seen).map((e) => e._tag), ["LoggedIn", "LoggedOut"])
    }).pipe(Effect.provide(loginLayer())))

  it.effect("publish counts events by type", () =>
    Effect.gen(function*() {
      const before = yield* count("LoggedIn")
      const browser = yield* client
      yield* browser.get("/login")
      yield* browser.get("/login")
      assert.strictEqual((yield* count("LoggedIn")) - before, 2)
    }).pipe(Effect.provide(loginLayer())))
})
