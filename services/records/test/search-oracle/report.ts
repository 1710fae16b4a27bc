// Pass rates per resource type and per parameter, and the list of failures, from the outcomes of
// the oracle run; printed as a table and kept as JSON for bench/results.
import type { Outcome } from './compare.ts';
import type { OracleQuery } from './query.ts';
import { describeQuery } from './query.ts';

export interface Tally {
  queries: number;
  pass: number;
  fail: number;
  unsupported: number;
  error: number;
  /** pass / (pass + fail): correctness of what the server answers. */
  passRateOfAnswered: number | null;
  /** pass / queries: correctness including what it does not answer yet. */
  passRate: number;
}

export interface OracleReport {
  totals: Tally;
  byType: Record<string, Tally & { parameters: Record<string, Tally> }>;
  /** Parameters of the checked types without a FHIRPath expression, which the oracle cannot judge. */
  notCheckable: Record<string, string[]>;
  failures: Array<{
    type: string;
    param: string;
    query: string;
    variant: string;
    missing: number;
    unexpected: number;
    duplicates: number;
    sample: unknown;
  }>;
  unsupported: Array<{ query: string; status: number; diagnostics: string }>;
  errors: Array<{ query: string; status: number; detail: string }>;
}

function empty(): Tally {
  return { queries: 0, pass: 0, fail: 0, unsupported: 0, error: 0, passRateOfAnswered: null, passRate: 0 };
}

function add(tally: Tally, outcome: Outcome): void {
  tally.queries++;
  tally[outcome.kind]++;
}

function finish(tally: Tally): void {
  const answered = tally.pass + tally.fail;
  tally.passRateOfAnswered = answered === 0 ? null : Math.round((tally.pass / answered) * 1000) / 10;
  tally.passRate = tally.queries === 0 ? 0 : Math.round((tally.pass / tally.queries) * 1000) / 10;
}

export function buildReport(
  results: Array<{ query: OracleQuery; outcome: Outcome }>,
  notCheckable: Record<string, string[]>,
  limits = { failures: 1000, unsupported: 300 },
): OracleReport {
  const report: OracleReport = {
    totals: empty(),
    byType: {},
    notCheckable,
    failures: [],
    unsupported: [],
    errors: [],
  };
  const unsupportedSeen = new Set<string>();
  for (const { query, outcome } of results) {
    add(report.totals, outcome);
    const type = report.byType[query.type] ?? { ...empty(), parameters: {} };
    report.byType[query.type] = type;
    add(type, outcome);
    const parameter = type.parameters[query.param] ?? empty();
    type.parameters[query.param] = parameter;
    add(parameter, outcome);
    const text = describeQuery(query);
    if (outcome.kind === 'fail' && report.failures.length < limits.failures) {
      report.failures.push({
        type: query.type,
        param: query.param,
        query: text,
        variant: query.variant,
        missing: outcome.missing.length,
        unexpected: outcome.unexpected.length,
        duplicates: outcome.duplicates.length,
        sample: {
          missing: outcome.missing.slice(0, 3),
          unexpected: outcome.unexpected.slice(0, 3),
          foreign: outcome.foreign.slice(0, 3),
        },
      });
    }
    if (outcome.kind === 'unsupported') {
      const key = `${query.type}.${query.param}.${query.variant}`;
      if (!unsupportedSeen.has(key) && report.unsupported.length < limits.unsupported) {
        unsupportedSeen.add(key);
        report.unsupported.push({ query: text, status: outcome.status, diagnostics: outcome.diagnostics });
      }
    }
    if (outcome.kind === 'error' && report.errors.length < limits.failures) {
      report.errors.push({ query: text, status: outcome.status, detail: outcome.detail });
    }
  }
  finish(report.totals);
  for (const type of Object.values(report.byType)) {
    finish(type);
    for (const parameter of Object.values(type.parameters)) finish(parameter);
  }
  return report;
}

export function printReport(report: OracleReport, log: (line: string) => void = console.log): void {
  const row = (name: string, t: Tally) =>
    `${name.padEnd(22)} ${String(t.queries).padStart(6)} ${String(t.pass).padStart(6)} ${String(t.fail).padStart(5)} ${String(t.unsupported).padStart(6)} ${String(t.error).padStart(5)} ${`${t.passRate}%`.padStart(7)} ${(t.passRateOfAnswered === null ? '-' : `${t.passRateOfAnswered}%`).padStart(7)}`;
  log(`${'type'.padEnd(22)} queries   pass  fail unsupp error    pass answered-pass`);
  for (const [type, tally] of Object.entries(report.byType)) log(row(type, tally));
  log(row('ALL', report.totals));
}
