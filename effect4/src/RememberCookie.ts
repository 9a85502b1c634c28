/**
 * The remember-me cookie: restores a login after the browser closed.
 *
 * Better than Flask-Login's bare `id|hmac`: the expiry is inside the signed
 * payload (a copied cookie stops working on time, whatever the browser does),
 * the value names its key (rotation), and it carries a hash of the user's
 * security stamp, so a password change or "log out everywhere" revokes it.
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as codec from "../../src/core/cookieCodec.js"
import * as signers from "../../src/core/signer.js"

/**
 * What a remember-me token says.
 *
 * @since 0.2.0
 * @category schemas
 */
export const RememberToken = Schema.Struct({
  userId: Schema.String,
  /** Epoch milliseconds after which the token is refused. */
  expiresAt: Schema.Int,
  /** How long the token was issued for, in milliseconds, so that a refresh keeps the user's choice. */
  duration: Schema.Int,
  /** A hash of the user's security stamp when the token was issued. */
  stamp: Schema.optionalKey(Schema.String),
  /**
   * Epoch milliseconds of the login that issued the token: refreshes never take it past
   * `remember.absoluteTimeout` from then. Absent from tokens issued before 0.2.
   */
  issuedAt: Schema.optionalKey(Schema.Int)
})

/**
 * What a stateless remember cookie carries (the type of the `RememberToken` schema).
 *
 * @since 0.2.0
 * @category models
 */
export interface RememberToken extends Schema.Schema.Type<typeof RememberToken> {}

/**
 * Why a remember cookie was not accepted; the request is then anonymous and the cookie cleared.
 *
 * @since 0.2.0
 * @category errors
 */
export class RememberCookieError extends Data.TaggedError("RememberCookieError")<{
  readonly reason: "Oversized" | "BadSignature" | "InvalidPayload" | "Expired"
}> {
  override get message() {
    return `Remember cookie rejected: ${this.reason}`
  }
}

/**
 * Encodes remember tokens into cookie values and back, checking signature and expiry.
 *
 * @since 0.2.0
 * @category models
 */
export interface Codec {
  readonly encode: (token: RememberToken) => string
  readonly decode: (
    value: string,
    now: number
  ) => Result.Result<{ readonly token: RememberToken; readonly stale: boolean }, RememberCookieError>
}

const decodeToken = Schema.decodeUnknownResult(Schema.fromJsonString(RememberToken))
const encodeToken = Schema.encodeSync(Schema.fromJsonString(RememberToken))

/**
 * Builds the remember-cookie codec: HMAC-SHA256 with a key derived for this purpose, naming its key.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: {
  readonly secretKey: Redacted.Redacted
  readonly previousSecretKeys?: ReadonlyArray<Redacted.Redacted> | undefined
}): Codec => {
  const signer = signers.hmac(
    [options.secretKey, ...(options.previousSecretKeys ?? [])].map(Redacted.value),
    "remember"
  )
  return {
    encode: (token) => signer.sign(encodeToken(token)),
    decode: (value, now) => {
      const opened = codec.open(signer, value, 4096, (payload) => {
        const token = decodeToken(payload)
        return Result.isFailure(token) ? undefined : token.success
      }, (token) => now >= token.expiresAt)
      return opened._tag === "Refused"
        ? Result.fail(new RememberCookieError({ reason: opened.reason }))
        : Result.succeed({ token: opened.value, stale: opened.stale })
    }
  }
}
