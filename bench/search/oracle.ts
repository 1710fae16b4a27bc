// Search oracle, full run: `healthlane start` (PGlite in a temp folder or a fresh PostgreSQL
// database) loaded with the official examples of the checked types and the Synthea Bundles; every
// generated query is compared with the oracle; pass rates per type and parameter are printed and
// written to bench/results/search-oracle-<date>.json. Mismatches are reported, never fatal.
// Usage: node --import tsx bench/search/oracle.ts [--backend pglite|postgres] [--bundles 101]
//        [--values 3] [--seed 4] [--page-size 1000]
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { httpClient } from '../../services/records/test/search-oracle/client.ts';
import {
  ORACLE_TYPES,
  officialExamples,
  syntheaBundleFiles,
  syntheaProviderFiles,
} from '../../services/records/test/search-oracle/dataset.ts';
import { loadDataSet } from '../../services/records/test/search-oracle/load.ts';
import { printReport } from '../../services/records/test/search-oracle/report.ts';
import { probePageSize, runOracle } from '../../services/records/test/search-oracle/run.ts';
import { startChildServer } from '../lib/child-server.ts';
import { freePort } from '../lib/free-port.ts';
import { recordResult } from '../lib/results.ts';
import { type BackendName, prepareBackend } from '../records/backends.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'pglite' },
    bundles: { type: 'string', default: '101' },
    values: { type: 'string', default: '3' },
    seed: { type: 'string', default: '4' },
    'page-size': { type: 'string', default: '1000' },
  },
});
const backendName = values.backend as BackendName;
const bundles = Number(values.bundles);
const valuesPerParameter = Number(values.values);
const seed = Number(values.seed);
if (backendName !== 'pglite' && backendName !== 'postgres')
  throw new Error('--backend must be pglite or postgres');
if (!Number.isInteger(bundles) || bundles < 0 || bundles > 101) throw new Error('--bundles must be 0..101');
if (!Number.isInteger(valuesPerParameter) || valuesPerParameter < 1 || valuesPerParameter > 20) {
  throw new Error('--values must be 1..20');
}

const root = new URL('../..', import.meta.url).pathname;
const cleanups: Array<() => Promise<void>> = [];
async function cleanUp(): Promise<void> {
  for (let step = cleanups.pop(); step; step = cleanups.pop()) {
    await step().catch((error: Error) => console.error(`cleanup failed: ${error.message}`));
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143)));
}
const watchdog = setTimeout(() => {
  console.error('search oracle: watchdog expired (60 min), stopping everything');
  void cleanUp().finally(() => process.exit(1));
}, 60 * 60_000);
watchdog.unref();

const loadAtStart = os.loadavg();
try {
  const backend = await prepareBackend(backendName);
  cleanups.push(() => backend.dispose());
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  console.log(`${backend.description}: healthlane start on ${origin}`);
  const server = await startChildServer({
    args: ['--import', 'tsx', join(root, 'apps/cli/src/main.ts'), 'start'],
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      HEALTHLANE_DEMO: '0',
      // One load generator stands for many clients: the per-client limit (500/s) would cap the run.
      GATEWAY_RATE_LIMIT_PER_SECOND: '1000000',
      // Search correctness and speed without the identity layer (as the records bench measures).
      HEALTHLANE_AUTH: 'off',
      ...backend.env,
    },
    readyUrl: `${origin}/readyz`,
    url: origin,
    timeoutMs: 120_000,
  });
  cleanups.push(() => server.stop());
  const client = httpClient(origin);
  const files = [...syntheaProviderFiles(), ...syntheaBundleFiles(bundles)];
  const load = await loadDataSet(client, officialExamples(ORACLE_TYPES), files);
  console.log(
    `loaded ${load.examplesStored} examples (${load.examplesRefused.length} refused) and ${load.bundlesStored} Bundles (${load.bundlesRefused.length} refused) in ${load.seconds} s`,
  );
  if (load.examplesStored === 0 && load.bundlesStored === 0) {
    throw new Error(
      `the server stored nothing (first refusals: ${load.bundlesRefused.slice(0, 3).join('; ')})`,
    );
  }
  const started = Date.now();
  const run = await runOracle(client, {
    types: ORACLE_TYPES,
    valuesPerParameter,
    seed,
    pageSize: await probePageSize(client, Number(values['page-size'])),
    now: Date.now(),
    progress: (done, total) => console.log(`  ${done}/${total} queries`),
  });
  const runSeconds = Math.round((Date.now() - started) / 1000);
  printReport(run.report);
  const loadAtEnd = os.loadavg();
  await recordResult(
    'search-oracle',
    {
      backend: backend.description,
      dataSet: {
        examples: load.examplesStored,
        examplesRefused: load.examplesRefused,
        syntheaBundles: load.bundlesStored,
        bundlesRefused: load.bundlesRefused,
        resourcesInServer: run.resources,
        loadSeconds: load.seconds,
      },
      queries: run.queries,
      runSeconds,
      valuesPerParameter,
      seed,
      loadAverage: { atStart: loadAtStart, atEnd: loadAtEnd },
      report: run.report,
    },
    [
      'pass = the server returned exactly the oracle\'s set (every "must", nothing beyond "must" + "may");',
      'unsupported = the server refused the query with a 4xx OperationOutcome; error = anything else.',
      'passRate counts every query; passRateOfAnswered only those the server answered.',
    ].join(' '),
  );
} finally {
  await cleanUp();
  clearTimeout(watchdog);
}
