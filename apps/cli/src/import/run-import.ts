// `healthlane import` end to end: plan the units, skip those the journal has, send the rest with
// bounded concurrency, show progress, journal each answered unit, and sum it all up.
import { createHttpTransport, type HttpTransport } from '@healthlane/client';
import type { CliAuth } from '../auth/cli-credentials.ts';
import { ImportJournal } from './import-journal.ts';
import { type ImportUnit, planImport } from './import-plan.ts';
import { formatDuration, startProgress } from './import-progress.ts';
import { type EntryFailure, sendUnit } from './send-unit.ts';

export interface ImportOptions {
  inputs: string[];
  /** Base URL of a running HealthLane (the gateway or records), e.g. http://127.0.0.1:8080. */
  url: string;
  concurrency: number;
  /** Resources per batch Bundle for NDJSON. */
  batchSize: number;
  journalPath: string;
  /** Ignore (and overwrite) the journal. */
  fresh: boolean;
  /** Where the bearer tokens come from (none by default). */
  auth?: CliAuth;
  /** Aborted on Ctrl-C: no new units start; those in flight finish and are journaled. */
  signal?: AbortSignal;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export interface ImportSummary {
  files: number;
  /** JSON files in folders that are not Bundles, left alone. */
  ignored: number;
  units: number;
  bundles: number;
  /** Resources (entries/lines) the server stored in this run. */
  loaded: number;
  /** Resources skipped because the journal had their unit. */
  skipped: number;
  failures: EntryFailure[];
  /** Failed entries recorded by earlier runs in units now skipped. */
  earlierFailures: number;
  /** Units not answered (refused transaction, connection trouble): sent again next run. */
  unitsFailed: number;
  interrupted: boolean;
  elapsedS: number;
}

/** Fails fast, with one clear line, when nothing answers FHIR at the URL. */
async function checkReachable(transport: HttpTransport, url: string): Promise<void> {
  let status: number;
  try {
    status = (await transport.request({ method: 'GET', path: '/fhir/R4/metadata' })).status;
  } catch (error) {
    await transport.close();
    throw new Error(
      `cannot reach HealthLane at ${url} (${error instanceof Error ? error.message : 'no answer'})`,
    );
  }
  if (status !== 200) {
    await transport.close();
    throw new Error(`no FHIR endpoint at ${url}: GET /fhir/R4/metadata answered ${status}`);
  }
}

export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const startedAt = Date.now();
  const plan = await planImport(options.inputs, options.batchSize);
  const journal = await ImportJournal.open(options.journalPath, options.fresh);
  const pending: ImportUnit[] = [];
  let skipped = 0;
  let earlierFailures = 0;
  for (const unit of plan.units) {
    const record = journal.done.get(unit.key);
    if (record === undefined) pending.push(unit);
    else {
      skipped += record.resources;
      earlierFailures += record.failed;
    }
  }
  const failures: EntryFailure[] = plan.problems.map(({ file, problem }) => ({
    file,
    at: 0,
    kind: 'entry',
    problem,
  }));
  const transport = createHttpTransport({
    baseUrl: options.url,
    timeoutMs: 300_000,
    connections: options.concurrency,
  });
  await checkReachable(transport, options.url);
  // Every unit carries a current token: refreshed before expiry, fetched again once on a 401.
  const peers = options.auth ? options.auth.wrap(transport) : transport;
  if (options.auth?.token) {
    try {
      await options.auth.token();
    } catch (error) {
      await transport.close();
      throw new Error(
        `cannot get a token with ${options.auth.describe} (${error instanceof Error ? error.message : 'no answer'})`,
      );
    }
  }
  const progress = startProgress({ total: plan.resources - skipped, stream: options.stderr });
  let loaded = 0;
  let unitsFailed = 0;
  let next = 0;
  const worker = async () => {
    while (next < pending.length && options.signal?.aborted !== true) {
      const unit = pending[next++]!;
      const outcome = await sendUnit(peers, unit);
      loaded += outcome.loaded;
      failures.push(...outcome.failures);
      if (outcome.answered) {
        await journal.record(unit.key, { resources: unit.resources, failed: outcome.failures.length });
      } else {
        unitsFailed += 1;
      }
      progress.add(unit.resources);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  } finally {
    progress.finish();
    await transport.close();
  }
  return {
    files: plan.files.length,
    ignored: plan.ignored.length,
    units: plan.units.length,
    bundles: plan.units.filter((unit) => unit.kind === 'bundle').length,
    loaded,
    skipped,
    failures,
    earlierFailures,
    unitsFailed,
    interrupted: options.signal?.aborted === true && next < pending.length,
    elapsedS: (Date.now() - startedAt) / 1000,
  };
}

const shownFailures = 20;

export function formatSummary(summary: ImportSummary): string {
  const rate = summary.elapsedS > 0 ? Math.round(summary.loaded / summary.elapsedS) : 0;
  const lines = [
    `${summary.interrupted ? 'import interrupted' : 'import finished'}: ${summary.files} files, ` +
      `${summary.bundles} bundles, ${summary.units} units` +
      `${summary.ignored > 0 ? ` (${summary.ignored} JSON files that are not Bundles ignored)` : ''}`,
    `  loaded   ${summary.loaded} resources in ${formatDuration(summary.elapsedS)} (${rate} resources/s)`,
    `  skipped  ${summary.skipped} resources already loaded (journal)`,
    `  failed   ${summary.failures.length} entries${summary.unitsFailed > 0 ? `, ${summary.unitsFailed} units to retry` : ''}` +
      `${summary.earlierFailures > 0 ? `; ${summary.earlierFailures} in earlier runs` : ''}`,
  ];
  for (const failure of summary.failures.slice(0, shownFailures)) {
    const where = failure.kind === 'line' ? `line ${failure.at}` : `entry ${failure.at}`;
    lines.push(
      `    ${failure.file} ${where}: ${failure.status ? `${failure.status} ` : ''}${failure.problem}`,
    );
  }
  if (summary.failures.length > shownFailures)
    lines.push(`    ... and ${summary.failures.length - shownFailures} more`);
  if (summary.interrupted) lines.push('  run the same command again to resume');
  return lines.join('\n');
}

export function importExitCode(summary: ImportSummary): number {
  if (summary.interrupted) return 130;
  return summary.failures.length > 0 || summary.earlierFailures > 0 || summary.unitsFailed > 0 ? 1 : 0;
}
