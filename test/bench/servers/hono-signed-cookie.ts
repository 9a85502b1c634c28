// Hono + a signed cookie (WebCrypto HMAC), on @hono/node-server.
import { serve } from "@hono/node-server"
import { Hono } from "hono"
import { getSignedCookie, setSignedCookie } from "hono/cookie"

const secret = "benchmark-secret-key-0123456789abcdef"
const users = new Map([["1", { id: "1", name: "alice", password: "wonderland" }]])
const app = new Hono()
app.get("/public", (c) => c.text("public"))
app.get("/protected", async (c) => {
  const id = await getSignedCookie(c, secret, "session")
  const user = typeof id === "string" ? users.get(id) : undefined
  return user === undefined ? c.text("no", 401) : c.text(`hello ${user.name}`)
})
app.post("/login", async (c) => {
  const body = await c.req.parseBody()
  const user = users.get("1")!
  if (body.username !== user.name || body.password !== user.password) return c.text("no", 401)
  await setSignedCookie(c, "session", user.id, secret, { httpOnly: true, path: "/" })
  return c.text("ok")
})
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: "127.0.0.1" }, () => console.log("listening"))
