import { assert, describe, it } from "@effect/vitest"

describe("the Effect 4 line's test runtime", () => {
  it("is Node 22 or later, as @effect/platform-node 4 requires", () => {
    const [major, minor] = process.versions.node.split(".").map(Number)
    assert.isTrue(major! > 22 || (major === 22 && minor! >= 19), process.versions.node)
  })
})
