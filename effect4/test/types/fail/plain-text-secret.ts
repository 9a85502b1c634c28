// Secrets are Redacted: a plain string is refused.
// @fix import { Redacted } from "effect"
import "effect"
import { LoginManager } from "@effect-login/effect4"

// @expect-error Type 'string' is not assignable to type 'Redacted<string>'
// @fix export const live = LoginManager.layer({ secretKey: Redacted.make("a-plain-text-secret-of-enough-length") })
export const live = LoginManager.layer({ secretKey: "a-plain-text-secret-of-enough-length" })
