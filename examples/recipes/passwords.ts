/**
 * Recipe: storing and checking passwords.
 *
 * scrypt from `node:crypto` (no dependency; a memory-hard function, as OWASP's password storage cheat sheet
 * recommends after Argon2id), a random salt per password, and the parameters stored with the hash so that
 * they can be raised later. The comparison is constant-time, and an unknown user costs as much as a wrong
 * password, so that response times do not say which usernames exist.
 *
 * Argon2id (`@node-rs/argon2`) is the first choice where a native dependency is welcome; the shape of the
 * code is the same.
 */
import { Effect } from "effect"
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto"

/** scrypt's cost parameters. */
export interface Cost {
  readonly N: number
  readonly r: number
  readonly p: number
}

/** OWASP's minimum for scrypt: N=2^17, r=8, p=1 (128 MiB of memory per hash). Tests may lower N. */
export const defaultCost: Cost = { N: 2 ** 17, r: 8, p: 1 }
const keyLength = 32

// scrypt throws, rather than calls back, on parameters it refuses (N not a power of two…).
const derive = (password: string, salt: Buffer, cost: Cost) =>
  Effect.async<Buffer, unknown>((resume) => {
    try {
      scrypt(password.normalize("NFKC"), salt, keyLength, { ...cost, maxmem: 256 * cost.N * cost.r }, (error, key) =>
        resume(error ? Effect.fail(error) : Effect.succeed(key)))
    } catch (error) {
      resume(Effect.fail(error))
    }
  })

/** `scrypt$N$r$p$salt$hash`, base64url: what to store in the user's row. */
export const hashPassword = (password: string, cost: Cost = defaultCost): Effect.Effect<string> =>
  Effect.suspend(() => {
    const salt = randomBytes(16)
    return Effect.map(
      Effect.orDie(derive(password, salt, cost)),
      (key) => ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64url"), key.toString("base64url")].join("$")
    )
  })

const parse = (stored: string) => {
  const [scheme, N, r, p, salt, hash] = stored.split("$")
  if (scheme !== "scrypt" || salt === undefined || hash === undefined) return undefined
  const cost = { N: Number(N), r: Number(r), p: Number(p) }
  // A ceiling, so that a tampered row cannot ask for gigabytes per login.
  if (!(cost.N <= 2 ** 20 && cost.r <= 16 && cost.p <= 4)) return undefined
  return { cost, salt: Buffer.from(salt, "base64url"), hash: Buffer.from(hash, "base64url") }
}

/** True when `password` matches `stored`; a malformed `stored` is `false`, never a defect. */
export const verifyPassword = (password: string, stored: string): Effect.Effect<boolean> =>
  Effect.suspend(() => {
    const parsed = parse(stored)
    if (parsed === undefined || parsed.hash.length !== keyLength) return Effect.succeed(false)
    return derive(password, parsed.salt, parsed.cost).pipe(
      Effect.map((key) => timingSafeEqual(key, parsed.hash)),
      Effect.orElseSucceed(() => false)
    )
  })

/** A hash of a password no user has: what an unknown username is checked against (made by `hashPassword`). */
export const unknownUserHash = "scrypt$131072$8$1$GE4iqb4hp5bSBwjK8UO9ig$UWn1E_gyQ1ouoX_pZB33yiE--7yl1PQqUC06vlBHOY0"

/**
 * Checks a login: the user when the password matches, `undefined` otherwise. An unknown user is checked
 * against a fixed hash, so that it takes as long as a wrong password.
 */
export const checkCredentials = <User extends { readonly passwordHash: string }>(
  user: User | undefined,
  password: string
): Effect.Effect<User | undefined> =>
  Effect.map(
    verifyPassword(password, user?.passwordHash ?? unknownUserHash),
    (matches) => matches && user !== undefined ? user : undefined
  )
