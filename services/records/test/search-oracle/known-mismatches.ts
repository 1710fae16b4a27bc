// The engine's known disagreements with the oracle, by parameter, with the reason found: the oracle
// tests fail on any other mismatch and print the listed ones that have gone.
import type { OracleRun } from './run.ts';

/**
 * Parameters where the engine disagreed with the oracle when this list was last updated, each with
 * the reason found. A disagreement on any other parameter fails the test; one listed here that has
 * gone is printed so the entry can be removed.
 */
export const KNOWN_MISMATCHES: Record<string, string> = {
  'Observation.value-string': '(Observation.value as CodeableConcept).text is not indexed',
};

export function judgeMismatches(run: OracleRun): {
  unexpected: OracleRun['report']['failures'];
  gone: string[];
} {
  const failing = new Set(
    run.results.filter((r) => r.outcome.kind === 'fail').map((r) => `${r.query.type}.${r.query.param}`),
  );
  return {
    unexpected: run.report.failures.filter((f) => KNOWN_MISMATCHES[`${f.type}.${f.param}`] === undefined),
    gone: Object.keys(KNOWN_MISMATCHES).filter((key) => !failing.has(key)),
  };
}
