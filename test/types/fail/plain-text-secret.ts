// Secrets are Redacted: a plain string is refused.
import { LoginManager } from "effect-login"

// @expect-error Type 'string' is not assignable to type 'Redacted<string>'
export const live = LoginManager.layer({ secretKey: "a-plain-text-secret-of-enough-length" })
