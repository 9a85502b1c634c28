import { HttpRouter, HttpServerResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Metric, Queue, Stream } from "effect"
import { LoginEvents, LoginManager, Session } from "effect-login"
import { testClient } from "./utils/client.js"
import { login, loginLayer, users } from "./utils/fixtures.js"

const app = HttpRouter.empty.pipe(
  HttpRouter.get("/login", Effect.as(login(users.get("2")!), HttpServerResponse.text("ok"))),
  HttpRouter.get("/logout", Effect.as(Session.logout, HttpServerResponse.text("ok"))),
  LoginManager.middleware
)

// Sequential: the metrics registry is shared by the tests of this file.
describe.sequential("LoginEvents", () => {
  it.scoped("subscribe: a queue of the events published from then on", () =>
    Effect.gen(function*() {
      const events = yield* LoginEvents.subscribe
      const client = yield* testClient(app)
      yield* client.get("/login")
      yield* client.get("/logout")
      const seen = yield* Queue.takeAll(events)
      assert.deepStrictEqual(Chunk.toReadonlyArray(seen), [
        LoginEvents.LoginEvent.LoggedIn({ userId: "2" }),
        LoginEvents.LoginEvent.LoggedOut({ userId: "2" })
      ])
      assert.isTrue(LoginEvents.LoginEvent.$is("LoggedIn")(Chunk.unsafeHead(seen)))
    }).pipe(Effect.provide(loginLayer())))

  it.scoped("stream: the same events as a Stream", () =>
    Effect.gen(function*() {
      const fiber = yield* LoginEvents.stream.pipe(Stream.take(2), Stream.runCollect, Effect.fork)
      // The stream subscribes when it starts: once its fiber waits (suspended), it will see what follows.
      for (let i = 0; (yield* Fiber.status(fiber))._tag !== "Suspended"; i++) {
        assert.isBelow(i, 100, "the stream never started waiting for events")
        yield* Effect.yieldNow()
      }
      const client = yield* testClient(app)
      yield* client.get("/login")
      yield* client.get("/logout")
      const seen = yield* Fiber.join(fiber)
      assert.deepStrictEqual(Chunk.toReadonlyArray(seen).map((e) => e._tag), ["LoggedIn", "LoggedOut"])
    }).pipe(Effect.provide(loginLayer())))

  it.effect("publish counts events by type", () =>
    Effect.gen(function*() {
      const counter = Metric.tagged(LoginEvents.eventsTotal, "event", "LoggedIn")
      const before = (yield* Metric.value(counter)).count
      const client = yield* testClient(app)
      yield* client.get("/login")
      yield* client.get("/login")
      assert.strictEqual((yield* Metric.value(counter)).count - before, 2)
    }).pipe(Effect.provide(loginLayer())))

  it.scoped("unsafePublish: published and counted at once, outside any effect", () =>
    Effect.gen(function*() {
      const hub = yield* LoginEvents.LoginEvents
      const events = yield* LoginEvents.subscribe
      const counter = Metric.tagged(LoginEvents.eventsTotal, "event", "CsrfRejected")
      const before = (yield* Metric.value(counter)).count
      LoginEvents.unsafePublish(hub, LoginEvents.LoginEvent.CsrfRejected({ reason: "test" }))
      assert.deepStrictEqual(Chunk.toReadonlyArray(yield* Queue.takeAll(events)), [
        LoginEvents.LoginEvent.CsrfRejected({ reason: "test" })
      ])
      assert.strictEqual((yield* Metric.value(counter)).count - before, 1)
    }).pipe(Effect.provide(LoginEvents.layer)))
})
