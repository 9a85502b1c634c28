import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: {
    // Tests import the package by its name, as users do.
    alias: [
      { find: /^@effect-login\/effect4$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
      { find: /^@effect-login\/effect4\/(.*)$/, replacement: fileURLToPath(new URL("./src/$1.ts", import.meta.url)) }
    ]
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    sequence: { concurrent: true }
  }
})
