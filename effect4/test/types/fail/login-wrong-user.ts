// login takes the application's user type, nothing else.
import { login } from "../pass/app.js"

// @expect-error Property 'name' is missing in type '{ id: string; }' but required in type 'User'
// @fix export const wrong = login({ id: "1", name: "Ada" })
export const wrong = login({ id: "1" })
