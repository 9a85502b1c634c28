// The test client logs in a user of the declaration's type, nothing else.
import { LoginTest } from "@effect-login/effect4"
import { Users } from "../pass/app.js"

// @expect-error Property 'name' is missing
// @fix export const client = LoginTest.loggedInClient(Users, { id: "1", name: "Ada" })
export const client = LoginTest.loggedInClient(Users, { id: "1" })
