import { addEqualityTesters } from "@effect/vitest"
import { FastCheck } from "effect"

addEqualityTesters()

// Property tests are seeded, so that a run reproduces: the same cases on every machine, and a failure
// reported with its seed and path. `FC_SEED=<n> npm test` explores other cases.
FastCheck.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261201) })
