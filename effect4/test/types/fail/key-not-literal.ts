// A key typed `string` could not tell two declarations apart: refused.
import { UserLoader } from "@effect-login/effect4"
import type { User } from "../pass/app.js"

// @fix const key = "app/Accounts"
const key: string = "app/Accounts"
// @expect-error the key of UserLoader.make must be a string literal
export const Accounts = UserLoader.make(key, { id: (user: User) => user.id })
