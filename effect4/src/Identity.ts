/**
 * Who is making the request: `Anonymous` or one of the application's users.
 *
 * The application's own typed `CurrentUser` and `AuthenticatedUser` come from
 * `UserLoader.make`; this module holds what they share.
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Predicate from "effect/Predicate"

/**
 * Marks `Anonymous`, so that no user object can be mistaken for it.
 *
 * @since 0.2.0
 * @category type ids
 */
export const AnonymousTypeId: unique symbol = Symbol.for("effect-login/Anonymous")

/**
 * The type of {@link AnonymousTypeId}.
 *
 * @since 0.2.0
 * @category type ids
 */
export type AnonymousTypeId = typeof AnonymousTypeId

/**
 * Nobody is logged in (Flask-Login's `AnonymousUserMixin`).
 *
 * @since 0.2.0
 * @category models
 */
export class Anonymous extends Data.TaggedClass("Anonymous")<{}> {
  /**
   * Marks the anonymous user (see `AnonymousTypeId`).
   *
   * @since 0.2.0
   */
  readonly [AnonymousTypeId]: AnonymousTypeId = AnonymousTypeId
}

/**
 * The anonymous user.
 *
 * @since 0.2.0
 * @category constructors
 */
export const anonymous: Anonymous = new Anonymous()

/**
 * True for the anonymous user, false for any user of the application.
 *
 * @since 0.2.0
 * @category refinements
 */
export const isAnonymous = (u: unknown): u is Anonymous => Predicate.hasProperty(u, AnonymousTypeId)

/**
 * Marks the identifiers of the authenticated-user and fresh-user services.
 *
 * @since 0.2.0
 * @category type ids
 */
export const UserServiceTypeId: unique symbol = Symbol.for("effect-login/UserService")

/**
 * The type of {@link UserServiceTypeId}.
 *
 * @since 0.2.0
 * @category type ids
 */
export type UserServiceTypeId = typeof UserServiceTypeId

/**
 * The identifier of the authenticated-user service of the user type declared
 * as `Key` (see `UserLoader.make`): a handler that needs it does not compile
 * until it is mounted behind that declaration's `loginRequired`, and the user
 * types of two declarations cannot be mixed.
 *
 * @since 0.2.0
 * @category models
 */
export interface AuthenticatedUser<Key extends string> {
  readonly [UserServiceTypeId]: { readonly authenticated: Key }
}

/**
 * The identifier of the fresh-user service of the user type declared as
 * `Key`: proof that the user entered their credentials in this session
 * (recently enough, with `freshMaxAge`). Only `freshLoginRequired` provides it.
 *
 * @since 0.2.0
 * @category models
 */
export interface FreshUser<Key extends string> {
  readonly [UserServiceTypeId]: { readonly fresh: Key }
}

// Never exported, so that no program can write a value of the branded types below: only the
// guards (and the test Layers) of this package produce them, from a user they checked.
declare const authenticatedProof: unique symbol
declare const freshProof: unique symbol

/**
 * A user that `loginRequired` checked: the application's user type, with a
 * brand that only this package can put on it. `Effect.provideService` with a
 * plain user object does not compile.
 *
 * @since 0.2.0
 * @category models
 */
export type Authenticated<User> = User & { readonly [authenticatedProof]: true }

/**
 * A user that `freshLoginRequired` checked: also {@link Authenticated}, while
 * an authenticated user is not fresh.
 *
 * @since 0.2.0
 * @category models
 */
export type Fresh<User> = Authenticated<User> & { readonly [freshProof]: true }

/**
 * Flask-Login's `LOGIN_DISABLED`, made type-safe: when it holds a user, routes
 * behind `loginRequired` let anonymous requests through and see that stand-in
 * user, while `CurrentUser` stays anonymous. Set it with the
 * `layerLoginDisabled` of `UserLoader.make`, in tests only: that Layer's type
 * shows `LoginDisabled` as its output, and building it logs a warning. Guards
 * read it when present; nothing requires it.
 *
 * @since 0.2.0
 * @category services
 */
export class LoginDisabled extends Context.Service<LoginDisabled, unknown>()("effect-login/LoginDisabled") {}
