/**
 * Lets Node run the Effect 4 line's TypeScript as it is (Node 22 transforms the
 * types; nothing is compiled): the conformance server's own process, the
 * examples and `npm start`:
 *
 *     node --import ./scripts/register.ts test/conformance/server-effect4.ts
 *
 * It resolves what tsc and vitest map and Node does not: the package's own
 * name (`@effect-login/effect4`, `@effect-login/effect4/X`) to `src/`, and a
 * relative `.js` import of a TypeScript file to that `.ts` file.
 */
import * as fs from "node:fs"
import { registerHooks } from "node:module"

const src = new URL("../src/", import.meta.url)
const packageName = "@effect-login/effect4"

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === packageName) return nextResolve(new URL("index.ts", src).href, context)
    if (specifier.startsWith(`${packageName}/`)) {
      return nextResolve(new URL(`${specifier.slice(packageName.length + 1)}.ts`, src).href, context)
    }
    if (/^\.\.?\//.test(specifier) && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
      const ts = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL)
      if (fs.existsSync(ts)) return nextResolve(ts.href, context)
    }
    return nextResolve(specifier, context)
  }
})
