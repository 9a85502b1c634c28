/**
 * Recipe: signing up, and resetting a forgotten password with a single-use token.
 *
 * - Sign-up stores a password hash (passwords.ts) and logs the new user in.
 * - A reset request answers the same whether or not the account exists (no account enumeration), and mails a
 *   link with a token: a random selector and validator, of which the store keeps only the validator's hash.
 * - A token works once, within an hour. Redeeming it sets the new password and changes the user's security
 *   stamp, which ends every session and remember token of the user, on every instance: whoever had the old
 *   password is logged out.
 *
 * The users and the tokens live in a `KeyValueStore` (memory here; a file system, or a Redis-backed store, in
 * an application), the mail goes through a `Mailer` service the application implements.
 */
import { HttpServerRequest, HttpServerResponse, KeyValueStore } from "@effect/platform"
import type * as PlatformError from "@effect/platform/Error"
import { Clock, Context, Effect, Option, Schema } from "effect"
import { UserLoader } from "effect-login"
import { createHash, randomBytes, timingSafeEqual } from "node:crypto"
import { checkCredentials, type Cost, defaultCost, hashPassword } from "./passwords.js"

export class User extends Schema.Class<User>("User")({
  id: Schema.String,
  passwordHash: Schema.String,
  /** Changes with the password: sessions made under another stamp are void. */
  stamp: Schema.Number
}) {}

export const Users = UserLoader.make("recipes/Users", {
  id: (user: User) => user.id,
  securityStamp: (user) => String(user.stamp)
})

/** Sends the reset link; the application's mail service implements it. */
export class Mailer extends Context.Tag("recipes/Mailer")<Mailer, {
  readonly sendResetLink: (user: User, link: string) => Effect.Effect<void>
}>() {}

/** scrypt's cost: OWASP's by default; tests lower it. */
export class PasswordCost extends Context.Reference<PasswordCost>()("recipes/PasswordCost", {
  defaultValue: (): Cost => defaultCost
}) {}

const users = (store: KeyValueStore.KeyValueStore) => store.forSchema(User)
const userKey = (id: string) => `user:${id.normalize("NFKC").toLowerCase()}`

/** The `UserLoader` over the store. */
export const UsersLive = Users.layer((id) =>
  Effect.flatMap(KeyValueStore.KeyValueStore, (store) => users(store).get(userKey(id)))
)

// A form that does not decode is a 400; the store failing is a 503 (its cause logged), never a 500.
const storeFailed = (error: PlatformError.PlatformError) =>
  Effect.as(
    Effect.logError("accounts: the store failed", error),
    HttpServerResponse.text("Service Unavailable", { status: 503 })
  )
const errorAnswers = {
  ParseError: () => HttpServerResponse.text("Invalid form", { status: 400 }),
  BadArgument: storeFailed,
  SystemError: storeFailed
}

const Credentials = Schema.Struct({ username: Schema.String, password: Schema.String.pipe(Schema.minLength(8)) })

/** POST /signup: 409 if the name is taken, else the account, logged in. */
export const signUp = Effect.gen(function*() {
  const form = yield* HttpServerRequest.schemaBodyUrlParams(Credentials)
  const store = users(yield* KeyValueStore.KeyValueStore)
  if (Option.isSome(yield* store.get(userKey(form.username)))) {
    return HttpServerResponse.text("This name is taken", { status: 409 })
  }
  const user = new User({
    id: form.username.normalize("NFKC").toLowerCase(),
    passwordHash: yield* hashPassword(form.password, yield* PasswordCost),
    stamp: 0
  })
  yield* store.set(userKey(user.id), user)
  yield* Users.login(user)
  return HttpServerResponse.text("Welcome", { status: 201 })
}).pipe(Effect.catchTags(errorAnswers))

/** POST /login, as in the passwords recipe. */
export const logIn = Effect.gen(function*() {
  const form = yield* HttpServerRequest.schemaBodyUrlParams(Credentials)
  const found = yield* users(yield* KeyValueStore.KeyValueStore).get(userKey(form.username))
  const user = yield* checkCredentials(Option.getOrUndefined(found), form.password)
  if (user === undefined) return HttpServerResponse.text("Invalid credentials", { status: 401 })
  yield* Users.login(user)
  return HttpServerResponse.text("Logged in")
}).pipe(Effect.catchTags(errorAnswers))

// --- Reset tokens ---------------------------------------------------------------------------------

const tokenLifetimeMillis = 60 * 60 * 1000

class ResetToken extends Schema.Class<ResetToken>("ResetToken")({
  userId: Schema.String,
  validatorHash: Schema.String,
  expiresAt: Schema.Number
}) {}

const sha256 = (value: string) => createHash("sha256").update(value).digest()
const tokens = (store: KeyValueStore.KeyValueStore) => store.forSchema(ResetToken)

/** A new token for `user`: `selector.validator`, both 128 random bits. */
const issue = (user: User) =>
  Effect.gen(function*() {
    const selector = randomBytes(16).toString("base64url")
    const validator = randomBytes(16).toString("base64url")
    const expiresAt = (yield* Clock.currentTimeMillis) + tokenLifetimeMillis
    const validatorHash = sha256(validator).toString("base64url")
    yield* tokens(yield* KeyValueStore.KeyValueStore).set(
      `reset:${selector}`,
      new ResetToken({ userId: user.id, validatorHash, expiresAt })
    )
    return `${selector}.${validator}`
  })

/** The user a token was issued for, once: the token is deleted whether or not it matches. */
const redeem = (token: string) =>
  Effect.gen(function*() {
    const [selector = "", validator = ""] = token.split(".")
    const store = tokens(yield* KeyValueStore.KeyValueStore)
    const found = yield* store.get(`reset:${selector}`)
    if (Option.isNone(found)) return Option.none<string>()
    yield* store.remove(`reset:${selector}`)
    const expected = Buffer.from(found.value.validatorHash, "base64url")
    const valid = timingSafeEqual(sha256(validator), expected) &&
      (yield* Clock.currentTimeMillis) < found.value.expiresAt
    return valid ? Option.some(found.value.userId) : Option.none<string>()
  })

/** POST /password-reset: the same 202 whether or not the account exists. */
export const requestReset = Effect.gen(function*() {
  const { username } = yield* HttpServerRequest.schemaBodyUrlParams(Schema.Struct({ username: Schema.String }))
  const found = yield* users(yield* KeyValueStore.KeyValueStore).get(userKey(username))
  if (Option.isSome(found)) {
    const token = yield* issue(found.value)
    yield* Effect.flatMap(
      Mailer,
      (mailer) => mailer.sendResetLink(found.value, `/password-reset/confirm?token=${token}`)
    )
  }
  return HttpServerResponse.text("If this account exists, a reset link is on its way", { status: 202 })
}).pipe(Effect.catchTags(errorAnswers))

const NewPassword = Schema.Struct({ token: Schema.String, password: Schema.String.pipe(Schema.minLength(8)) })

/** POST /password-reset/confirm: the new password, a new stamp (every login of the user ends). */
export const confirmReset = Effect.gen(function*() {
  const form = yield* HttpServerRequest.schemaBodyUrlParams(NewPassword)
  const userId = yield* redeem(form.token)
  if (Option.isNone(userId)) return HttpServerResponse.text("This link is invalid or has expired", { status: 400 })
  const store = users(yield* KeyValueStore.KeyValueStore)
  const user = yield* store.get(userKey(userId.value))
  if (Option.isNone(user)) return HttpServerResponse.text("This link is invalid or has expired", { status: 400 })
  yield* store.set(
    userKey(userId.value),
    new User({
      ...user.value,
      passwordHash: yield* hashPassword(form.password, yield* PasswordCost),
      stamp: user.value.stamp + 1
    })
  )
  return HttpServerResponse.text("Your password is changed: log in with it")
}).pipe(Effect.catchTags(errorAnswers))
