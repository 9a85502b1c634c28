/**
 * Request loaders (Flask-Login's `request_loader`): find the user from the
 * request itself — an API key header, a bearer token, a query parameter —
 * when there is no session and no remember cookie. A user found this way is
 * not written to the session, and is never "fresh".
 *
 * @since 0.1.0
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as credentials from "./core/credentials.js"

/**
 * Finds the user of a request from the request itself, or `None`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestLoader<User, R = never> {
  /** Names the loader in logs and spans (`"bearer"`, `"header:x-api-key"`). */
  readonly name: string
  readonly load: (request: HttpServerRequest.HttpServerRequest) => Effect.Effect<Option.Option<User>, unknown, R>
}

/**
 * Types about request loaders.
 *
 * @since 0.1.0
 * @category models
 */
export declare namespace RequestLoader {
  /**
   * The services a request loader needs.
   *
   * @since 0.1.0
   * @category models
   */
  export type Context<L> = L extends RequestLoader<any, infer R> ? R : never
}

/**
 * A loader from any part of the request.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <User, E, R>(
  name: string,
  load: (request: HttpServerRequest.HttpServerRequest) => Effect.Effect<Option.Option<User>, E, R>
): RequestLoader<User, R> => ({ name, load })

const fromCredential = <User, E, R>(
  name: string,
  read: (request: HttpServerRequest.HttpServerRequest) => string | undefined,
  verify: (credential: Redacted.Redacted) => Effect.Effect<Option.Option<User>, E, R>
): RequestLoader<User, R> =>
  make(name, (request) => {
    const credential = credentials.present(read(request))
    // An absent or empty credential is "no user", without asking the verifier.
    return credential === undefined ? Effect.succeedNone : verify(Redacted.make(credential))
  })

/**
 * `Authorization: Bearer <token>` (the scheme word is case-insensitive).
 *
 * @example
 * ```ts
 * import { Effect, Option, Redacted } from "effect"
 * import { RequestLoader, UserLoader } from "effect-login"
 *
 * interface User {
 *   readonly id: string
 * }
 * const Users = UserLoader.make("example/Users", { id: (user: User) => user.id })
 * const tokens = new Map<string, User>([["a-long-random-token", { id: "script" }]])
 *
 * // `Authorization: Bearer a-long-random-token` is the user "script", for requests without a session.
 * export const UsersLive = Users.layer((id) => Effect.succeed(Option.some({ id })), {
 *   requestLoaders: [
 *     RequestLoader.bearer((token) => Effect.succeed(Option.fromNullable(tokens.get(Redacted.value(token)))))
 *   ]
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const bearer = <User, E, R>(
  verify: (token: Redacted.Redacted) => Effect.Effect<Option.Option<User>, E, R>
): RequestLoader<User, R> => fromCredential("bearer", credentials.bearer, verify)

/**
 * An API key in a request header, e.g. `X-API-Key`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const header = <User, E, R>(
  name: string,
  verify: (key: Redacted.Redacted) => Effect.Effect<Option.Option<User>, E, R>
): RequestLoader<User, R> => {
  const lower = name.toLowerCase()
  return fromCredential(`header:${lower}`, credentials.header(lower), verify)
}

/**
 * A credential in a query parameter. Query strings end up in logs and
 * browser history: prefer a header where the client allows it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const query = <User, E, R>(
  name: string,
  verify: (value: Redacted.Redacted) => Effect.Effect<Option.Option<User>, E, R>
): RequestLoader<User, R> => fromCredential(`query:${name}`, credentials.query(name), verify)
