/**
 * The guard of `npm run mutation`: every mutated file scores at least 90 %.
 * Stryker's own `thresholds.break` is on the total, where strong files could
 * hide a weak one. The score is Stryker's: killed and timed-out mutants over
 * those plus the survivors and the mutants no test covers.
 *
 *     npx tsx test/mutation/check.ts [report.json]
 */
import * as fs from "node:fs"

const threshold = 90
const path = process.argv[2] ?? "test-results/mutation/report.json"

interface Report {
  readonly files: Record<string, { readonly mutants: ReadonlyArray<{ readonly status: string }> }>
}

const report = JSON.parse(fs.readFileSync(path, "utf8")) as Report
const below: Array<string> = []
for (const [file, { mutants }] of Object.entries(report.files)) {
  const count = (...statuses: ReadonlyArray<string>) => mutants.filter((m) => statuses.includes(m.status)).length
  const detected = count("Killed", "Timeout")
  const valid = detected + count("Survived", "NoCoverage")
  const score = valid === 0 ? 100 : (100 * detected) / valid
  process.stdout.write(`${score.toFixed(1).padStart(5)} %  ${file} (${detected} of ${valid})\n`)
  if (score < threshold) below.push(file)
}
if (below.length > 0) {
  process.stderr.write(`Mutation score under ${threshold} %: ${below.join(", ")}\n`)
  process.exitCode = 1
}
