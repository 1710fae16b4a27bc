// Search benchmark: a data set grown from the Synthea Bundles (bench/search/grow.ts) is imported
// through `healthlane import` into `healthlane start` on a fresh PostgreSQL database (load rate
// recorded), then each search of the issue runs at 1, 16 and 64 connections with values drawn from
// the data; a bare node:http server answering the same bytes is the yardstick; index size per
// resource comes from PostgreSQL. Results: bench/results/search-<date>.json.
// Usage: node --import tsx bench/search/run.ts [--patients 1000] [--seed 1] [--seconds 10]
//        [--only name,name] [--import-concurrency 4] [--keep-data]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Request } from 'autocannon';
import { startChildServer } from '../lib/child-server.ts';
import { freePort } from '../lib/free-port.ts';
import { type LoadFigures, runLoad } from '../lib/load.ts';
import { recordResult } from '../lib/results.ts';
import { prepareBackend } from '../records/backends.ts';
import { defaultGrowFolder, grow, readManifest } from './grow.ts';
import { indexSizes } from './index-sizes.ts';
import { scenarios } from './scenarios.ts';

const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '10' },
    only: { type: 'string', default: scenarios.map((s) => s.name).join(',') },
    'import-concurrency': { type: 'string', default: '4' },
    'keep-data': { type: 'boolean', default: false },
  },
});
const patients = Number(values.patients);
const seed = Number(values.seed);
const seconds = Number(values.seconds);
const importConcurrency = Number(values['import-concurrency']);
const only = values.only.split(',').map((name) => name.trim());
if (!Number.isInteger(patients) || patients < 1 || patients > 50_000)
  throw new Error('--patients must be 1..50000');
if (!Number.isInteger(seconds) || seconds < 1 || seconds > 120) throw new Error('--seconds must be 1..120');
if (!only.every((name) => scenarios.some((s) => s.name === name))) {
  throw new Error(`--only takes a comma-separated subset of ${scenarios.map((s) => s.name).join(',')}`);
}

const connectionCounts = [1, 16, 64];
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
// Bounded: import gets about a second per patient at worst, each run its seconds plus slack.
const watchdogMs =
  (600 + patients * 1.2 + only.length * (connectionCounts.length * (seconds + 15) + 10)) * 1000;
const watchdog = setTimeout(() => {
  console.error('search bench: watchdog expired, stopping everything');
  void cleanUp().finally(() => process.exit(1));
}, watchdogMs);
watchdog.unref();

function runImport(origin: string, folder: string, journal: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'apps/cli/src/main.ts'),
        'import',
        folder,
        '--url',
        origin,
        '--concurrency',
        String(importConcurrency),
        '--journal',
        journal,
        '--fresh',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

function requestsOf(paths: string[]): Request[] {
  let next = 0;
  return [
    {
      setupRequest: (request) => ({
        ...request,
        method: 'GET',
        path: paths[next++ % paths.length] as string,
        headers: { accept: 'application/fhir+json' },
      }),
    },
  ];
}

const loadAtStart = os.loadavg();
const problems: string[] = [];
try {
  const folder = defaultGrowFolder(patients, seed);
  if (!existsSync(join(folder, 'manifest.ndjson'))) {
    const started = Date.now();
    const { resources } = await grow(patients, seed, folder);
    console.log(
      `grew ${patients} patients (${resources} resources) in ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }
  if (!values['keep-data']) cleanups.push(() => rm(folder, { recursive: true, force: true }));
  const manifest = readManifest(folder);
  const resourcesInDataSet = manifest.reduce((sum, line) => sum + line.resources, 0);

  const backend = await prepareBackend('postgres');
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

  const journal = join(os.tmpdir(), `healthlane-search-bench-journal-${port}.json`);
  cleanups.push(() => rm(journal, { force: true }));
  const importStarted = Date.now();
  const importExit = await runImport(origin, join(folder, 'bundles'), journal);
  const importSeconds = (Date.now() - importStarted) / 1000;
  if (importExit !== 0) problems.push(`healthlane import exited with ${importExit}`);
  const loadRate = Math.round(resourcesInDataSet / importSeconds);
  console.log(
    `imported ${resourcesInDataSet} resources in ${importSeconds.toFixed(0)} s: ${loadRate} resources/s`,
  );
  const sizes = await indexSizes(backend.env.DATABASE_URL as string);
  console.log(
    `${sizes.resources} resources stored; search index ${sizes.searchIndexBytesPerResource} bytes/resource`,
  );

  const runs: Record<string, unknown> = {};
  const table: Array<Record<string, unknown>> = [];
  let sampleBody: Buffer | undefined;
  for (const scenario of scenarios.filter((s) => only.includes(s.name))) {
    const paths = scenario.paths(manifest, 2000, seed);
    const probe = await fetch(`${origin}${paths[0]}`);
    const probeBody = Buffer.from(await probe.arrayBuffer());
    if (probe.status !== 200) {
      problems.push(`${scenario.name}: the server answers ${probe.status}; not measured`);
      runs[scenario.name] = { shape: scenario.shape, unsupported: probe.status };
      console.log(`  ${scenario.name}: ${probe.status}, not measured`);
      continue;
    }
    if (scenario.name === 'observation-patient-code-sorted') sampleBody = probeBody;
    const figures: LoadFigures[] = [];
    await runLoad({ url: origin, connections: 16, durationSeconds: 3, requests: requestsOf(paths) });
    for (const connections of connectionCounts) {
      const run = await runLoad({
        url: origin,
        connections,
        durationSeconds: seconds,
        requests: requestsOf(paths),
      });
      figures.push(run);
      table.push({ scenario: scenario.name, ...run });
      console.log(
        `  ${scenario.name} c=${connections}: ${run.requestsPerSecond} req/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, errors ${run.errors}, non-2xx ${run.non2xx}`,
      );
      if (run.errors > 0 || run.non2xx > 0) {
        problems.push(`${scenario.name} c=${connections}: ${run.errors} errors, ${run.non2xx} non-2xx`);
      }
    }
    runs[scenario.name] = {
      shape: scenario.shape,
      selective: scenario.selective,
      probeBytes: probeBody.length,
      figures,
    };
  }
  await server.stop(); // the bare server runs on the same cores next (stop is idempotent)
  let bare: LoadFigures[] = [];
  if (sampleBody) {
    const bodyFile = join(os.tmpdir(), `healthlane-search-bench-body-${port}.json`);
    await writeFile(bodyFile, sampleBody);
    cleanups.push(() => rm(bodyFile, { force: true }));
    const barePort = await freePort();
    const bareServer = await startChildServer({
      args: ['--import', 'tsx', join(root, 'bench/lib/bare-server.ts'), String(barePort), bodyFile],
      readyUrl: `http://127.0.0.1:${barePort}/`,
      url: `http://127.0.0.1:${barePort}/`,
    });
    cleanups.push(() => bareServer.stop());
    bare = [];
    for (const connections of connectionCounts) {
      bare.push(await runLoad({ url: bareServer.url, connections, durationSeconds: seconds }));
    }
    await cleanups.pop()?.();
    console.log(
      `  bare node:http (${sampleBody.length} bytes): ${bare.map((b) => `${b.requestsPerSecond} req/s`).join(', ')}`,
    );
  }
  const loadAtEnd = os.loadavg();
  await recordResult(
    'search',
    {
      patients,
      seed,
      seconds,
      connections: connectionCounts,
      backend: backend.description,
      dataSet: {
        patients,
        resources: resourcesInDataSet,
        importSeconds: Math.round(importSeconds),
        loadRate,
        importConcurrency,
      },
      indexSizes: sizes,
      scenarios: runs,
      bare: { bodyBytes: sampleBody?.length ?? 0, figures: bare },
      table,
      loadAverage: { atStart: loadAtStart, atEnd: loadAtEnd },
      problems,
    },
    [
      `Load average (1/5/15 min) at start ${loadAtStart.map((n) => n.toFixed(2)).join(' ')}, at end ${loadAtEnd.map((n) => n.toFixed(2)).join(' ')}.`,
      'autocannon, the server, the import and PostgreSQL share the same cores; ANALYZE runs once after the import (what autovacuum would do).',
      'Latencies are whole milliseconds (autocannon histogram). The bare server answers the bytes of one observation-patient-code-sorted reply.',
      problems.length > 0 ? `PROBLEMS: ${problems.join(' | ')}` : 'No errors or non-2xx responses.',
    ].join(' '),
  );
  if (problems.length > 0) process.exitCode = 1;
} finally {
  await cleanUp();
  clearTimeout(watchdog);
}
