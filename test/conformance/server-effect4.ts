/**
 * The Effect 4 line's conformance server, where shared/CONFORMANCE.md names it:
 *
 *     PORT=8123 npx -y node@22 --import tsx test/conformance/server-effect4.ts
 *
 * The server is effect4/test/conformance/server-effect4.ts (the Effect 4
 * suite runs it); this entry resolves the package's name to effect4/src, as
 * that suite does, and starts it. Effect 4 needs Node 22, and the Effect 4 line's dependencies
 * (`npm ci --prefix effect4`, which `npm test` runs).
 */

// Imported by a computed path so that the Effect 3 type check does not follow it: it is the Effect 4 line's program.
const effect4 = "../../effect4/"
await import(`${effect4}scripts/register.ts`)
const { main } = await import(`${effect4}test/conformance/server-effect4.ts`) as { readonly main: () => void }
main()
