/**
 * Who is making the request: `Anonymous` or one of the application's users.
 *
 * The application's own typed `CurrentUser` and `AuthenticatedUser` come from
 * `UserLoader.make`; this module holds what they share.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"

/**
 * Marks `Anonymous`, so that no user object can be mistaken for it.
 *
 * @since 0.1.0
 * @category type ids
 */
export const AnonymousTypeId: unique symbol = Symbol.for("effect-login/Anonymous")

/**
 * @since 0.1.0
 * @category type ids
 */
export type AnonymousTypeId = typeof AnonymousTypeId

/**
 * Nobody is logged in (Flask-Login's `AnonymousUserMixin`).
 *
 * @since 0.1.0
 * @category models
 */
export class Anonymous extends Data.TaggedClass("Anonymous")<{}> {
  readonly [AnonymousTypeId]: AnonymousTypeId = AnonymousTypeId
}

/**
 * The anonymous user.
 *
 * @since 0.1.0
 * @category constructors
 */
export const anonymous: Anonymous = new Anonymous()

/**
 * True for the anonymous user, false for any user of the application.
 *
 * @since 0.1.0
 * @category refinements
 */
export const isAnonymous = (u: unknown): u is Anonymous => Predicate.hasProperty(u, AnonymousTypeId)

/**
 * The identifier of the authenticated-user service: a handler that needs it
 * does not compile until it is mounted behind `loginRequired`.
 *
 * @since 0.1.0
 * @category tags
 */
export interface AuthenticatedUser {
  readonly _: unique symbol
}

/**
 * The untyped tag behind every application's `AuthenticatedUser`; use the
 * typed one from `UserLoader.make`.
 *
 * @since 0.1.0
 * @category tags
 */
export const AuthenticatedUser: Context.Tag<AuthenticatedUser, unknown> = Context.GenericTag<
  AuthenticatedUser,
  unknown
>(
  "effect-login/AuthenticatedUser"
)

/**
 * The identifier of the fresh-user service: proof that the user entered their
 * credentials in this session (recently enough, with `freshMaxAge`). Only
 * `freshLoginRequired` provides it.
 *
 * @since 0.1.0
 * @category tags
 */
export interface FreshUser {
  readonly _: unique symbol
}

/**
 * The untyped tag behind every application's `FreshUser`; use the typed one
 * from `UserLoader.make`.
 *
 * @since 0.1.0
 * @category tags
 */
export const FreshUser: Context.Tag<FreshUser, unknown> = Context.GenericTag<FreshUser, unknown>(
  "effect-login/FreshUser"
)

/**
 * Flask-Login's `LOGIN_DISABLED`, made type-safe: when it holds a user, routes
 * behind `loginRequired` let anonymous requests through and see that stand-in
 * user, while `CurrentUser` stays anonymous. Set it with the
 * `layerLoginDisabled` of `UserLoader.make`, in tests only.
 *
 * @since 0.1.0
 * @category references
 */
export class LoginDisabled extends Context.Reference<LoginDisabled>()("effect-login/LoginDisabled", {
  defaultValue: (): Option.Option<unknown> => Option.none()
}) {}
