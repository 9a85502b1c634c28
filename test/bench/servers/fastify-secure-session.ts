// Fastify 5 + @fastify/secure-session (libsodium-encrypted cookie).
import formbody from "@fastify/formbody"
import secureSession from "@fastify/secure-session"
import Fastify from "fastify"

const users = new Map([["1", { id: "1", name: "alice", password: "wonderland" }]])
const app = Fastify()
await app.register(formbody)
await app.register(secureSession, {
  secret: "benchmark-secret-key-0123456789abcdef",
  salt: "mq9hDxBVDbspDR6n",
  cookie: { path: "/", httpOnly: true }
})
app.get("/public", async () => "public")
app.get("/protected", async (req, reply) => {
  const user = users.get(String(req.session.get("userId" as never) ?? ""))
  if (user === undefined) return reply.code(401).send("no")
  return `hello ${user.name}`
})
app.post("/login", async (req, reply) => {
  const body = req.body as { username?: string; password?: string }
  const user = users.get("1")!
  if (body.username !== user.name || body.password !== user.password) return reply.code(401).send("no")
  req.session.set("userId" as never, user.id as never)
  return "ok"
})
await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" })
console.log("listening")
