// Express 5 + express-session (its MemoryStore) + passport-local: what many Node apps use.
import express from "express"
import session from "express-session"
import passport from "passport"
import { Strategy } from "passport-local"

interface User {
  readonly id: string
  readonly name: string
  readonly password: string
}
const users = new Map<string, User>([["1", { id: "1", name: "alice", password: "wonderland" }]])

passport.use(
  new Strategy((username, password, done) => {
    const user = users.get("1")!
    done(null, username === user.name && password === user.password ? user : false)
  })
)
passport.serializeUser((user, done) => done(null, (user as User).id))
passport.deserializeUser((id: string, done) => done(null, users.get(id) ?? false))

const app = express()
app.use(express.urlencoded({ extended: false }))
app.use(session({ secret: "benchmark-secret-key-0123456789abcdef", resave: false, saveUninitialized: false }))
app.use(passport.session())
app.get("/public", (_req, res) => {
  res.type("text").send("public")
})
app.get("/protected", (req, res) => {
  if (!req.user) return void res.status(401).send("no")
  res.type("text").send(`hello ${(req.user as User).name}`)
})
app.post("/login", passport.authenticate("local"), (_req, res) => {
  res.type("text").send("ok")
})
app.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"))
