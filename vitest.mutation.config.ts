/**
 * The tests that mutation testing runs (`npm run mutation`, StrykerJS): the fast unit tests of the modules
 * that stryker.config.json mutates, or `MUTATION_TESTS` (comma-separated globs) with `--mutate` for others
 * (with an incremental file of its own, so that test/mutation/incremental.json keeps every file's results):
 *
 *     MUTATION_TESTS=test/core/rememberMe.test.ts npx stryker run --mutate src/core/rememberMe.ts \
 *       --incrementalFile test-results/one-off.json
 */
import { defineConfig } from "vitest/config"
import base from "./vitest.config.js"

const defaults = [
  "test/SafeRedirect.test.ts",
  "test/Csrf.test.ts",
  "test/internal/csrfGuard.test.ts",
  "test/core/signer.test.ts",
  "test/core/crypto.test.ts",
  "test/core/cryptoPool.test.ts",
  "test/core/cookieCodec.test.ts",
  "test/core/csrf.test.ts",
  "test/core/sessionProtection.test.ts",
  "test/core/rememberMe.test.ts",
  "test/core/rememberSeries.test.ts",
  "test/core/storePersistence.test.ts",
  "test/core/userResolution.test.ts",
  "test/core/refusal.test.ts",
  "test/core/loginOptions.test.ts",
  "test/core/flask.test.ts",
  "test/core/sessionData.test.ts",
  "test/core/sessionJournal.test.ts",
  "test/core/userTag.test.ts",
  "test/SessionCookie.test.ts",
  "test/RememberCookie.test.ts",
  "test/FlaskCompat.test.ts"
].join(",")

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: (process.env.MUTATION_TESTS ?? defaults).split(",")
  }
})
