// `healthlane import` speed: a fresh `healthlane start` (PostgreSQL or PGlite) as a child process,
// then the CLI's import (runImport, in this process) of a folder of Bundles at each --concurrency,
// each on a fresh database so every run stores the whole set. Reports resources/s per run.
// Usage: node --import tsx bench/records/import.ts [--backend postgres|pglite|postgres-nats] [--dir DIR]
//        [--concurrency 4,8] [--limit N bundles] [--cpu-prof-dir DIR (no record)] [--record]
import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runImport } from '../../apps/cli/src/import/run-import.ts';
import { startChildServer } from '../lib/child-server.ts';
import { freePort } from '../lib/free-port.ts';
import { recordResult } from '../lib/results.ts';
import { type BackendName, backendNames, prepareBackend } from './backends.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'postgres' },
    dir: { type: 'string', default: '/work/shared/data/synthea-r4' },
    concurrency: { type: 'string', default: '4,8' },
    limit: { type: 'string' },
    'cpu-prof-dir': { type: 'string' },
    record: { type: 'boolean', default: false },
  },
});
const backendName = values.backend as BackendName;
if (!backendNames.includes(backendName)) throw new Error('--backend postgres|pglite|postgres-nats');
const concurrencies = values.concurrency.split(',').map(Number);
if (!concurrencies.every((c) => Number.isInteger(c) && c >= 1 && c <= 64))
  throw new Error('--concurrency 1..64');
const root = new URL('../..', import.meta.url).pathname;
const profileDir = values['cpu-prof-dir'];

/** The input: the folder as given, or a temp folder linking its first `limit` bundles plus the shared files. */
async function inputs(scratch: string): Promise<string[]> {
  if (values.limit === undefined) return [values.dir];
  const limit = Number(values.limit);
  const bundles = (await readdir(join(values.dir, 'bundles'))).sort().slice(0, limit);
  const shared = (await readdir(values.dir)).filter((name) => /Information\d+\.json$/.test(name));
  // Hospital and practitioner Bundles first, as Synthea's own layout implies.
  for (const name of shared) await symlink(join(values.dir, name), join(scratch, `0-${name}`));
  for (const name of bundles) await symlink(join(values.dir, 'bundles', name), join(scratch, `1-${name}`));
  return [scratch];
}

const runs: unknown[] = [];
const scratch = await mkdtemp(join(os.tmpdir(), 'hl-bench-import-'));
try {
  const input = await inputs(scratch);
  for (const concurrency of concurrencies) {
    const backend = await prepareBackend(backendName);
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const server = await startChildServer({
      args: [
        ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
        '--import',
        'tsx',
        join(root, 'apps/cli/src/main.ts'),
        'start',
      ],
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        HEALTHLANE_DEMO: '0',
        // One load generator stands for many clients: the per-client limit (500/s) would cap the run.
        GATEWAY_RATE_LIMIT_PER_SECOND: '1000000',
        HEALTHLANE_AUTH: 'off',
        ...backend.env,
      },
      readyUrl: `${origin}/readyz`,
      url: origin,
      timeoutMs: 120_000,
    });
    const loadAtStart = os.loadavg();
    try {
      const summary = await runImport({
        inputs: input,
        url: origin,
        concurrency,
        batchSize: 500,
        journalPath: join(scratch, `journal-${concurrency}.json`),
        fresh: true,
        stdout: process.stdout,
        stderr: process.stderr,
      });
      const run = {
        concurrency,
        loaded: summary.loaded,
        failed: summary.failures.length,
        seconds: summary.elapsedS,
        resourcesPerSecond: Math.round(summary.loaded / summary.elapsedS),
        serverRssMiB: await server.rssMiB(),
        loadAtStart: loadAtStart.map((load) => Math.round(load * 100) / 100),
      };
      console.log(run);
      runs.push(run);
    } finally {
      await server.stop();
      await backend.dispose();
    }
  }
  if (values.record && !profileDir) {
    await recordResult(`records-import-${backendName}`, { backend: backendName, dir: values.dir, runs });
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
