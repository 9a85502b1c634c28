import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: {
    // Tests and examples import the package by its name, as users do.
    alias: [
      { find: /^effect-login$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
      { find: /^effect-login\/(.*)$/, replacement: fileURLToPath(new URL("./src/$1.ts", import.meta.url)) }
    ]
  },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
    // Type tests compile a TypeScript program: give them room on a 2-core machine.
    testTimeout: 60_000,
    sequence: { concurrent: true }
  }
})
