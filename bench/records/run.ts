// Records benchmark: `healthlane start` on PGlite (temp data directory) and on PostgreSQL (fresh
// database), seeded with Patients, driven with FHIR read / create / update / transaction at 1, 16
// and 64 connections, each figure also as a ratio of a bare node:http server sending the read bytes.
// Usage: node --import tsx bench/records/run.ts [--backend pglite|postgres|postgres-nats|both|all] [--seconds 10]
//        [--only read,create,update,transaction] [--patients 300] [--cpu-prof-dir DIR (no record)]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ChildServer, startChildServer } from '../lib/child-server.ts';
import { freePort } from '../lib/free-port.ts';
import { type LoadFigures, runLoad } from '../lib/load.ts';
import { recordResult } from '../lib/results.ts';
import { type BackendName, backendNames, prepareBackend } from './backends.ts';
import { syntheaPatient } from './fixtures.ts';
import {
  autocannonRequests,
  buildInteraction,
  describeFailure,
  type InteractionName,
  interactionNames,
  OBSERVATIONS_PER_TRANSACTION,
  sendOne,
} from './interactions.ts';
import { sampleRss } from './rss-sampler.ts';
import { printTable, type RunFigures, ratio, seedPatients } from './support.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'both' },
    seconds: { type: 'string', default: '10' },
    only: { type: 'string', default: interactionNames.join(',') },
    patients: { type: 'string', default: '300' },
    'cpu-prof-dir': { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const patients = Number(values.patients);
const backends: BackendName[] =
  values.backend === 'both'
    ? ['pglite', 'postgres']
    : values.backend === 'all'
      ? [...backendNames]
      : [values.backend as BackendName];
const only = values.only.split(',').map((name) => name.trim()) as InteractionName[];
const profileDir = values['cpu-prof-dir'];
if (!Number.isInteger(seconds) || seconds < 1 || seconds > 120) throw new Error('--seconds must be 1..120');
if (!Number.isInteger(patients) || patients < 1 || patients > 5000)
  throw new Error('--patients must be 1..5000');
if (!backends.every((name) => backendNames.includes(name))) {
  throw new Error('--backend must be pglite, postgres, postgres-nats, both or all');
}
if (!only.every((name) => interactionNames.includes(name))) {
  throw new Error(`--only takes a comma-separated subset of ${interactionNames.join(',')}`);
}

const connectionCounts = [1, 16, 64];
const warmUpSeconds = 3;
const root = new URL('../..', import.meta.url).pathname;

// Everything started is stopped on success, failure, a signal or the watchdog: newest first.
const cleanups: Array<() => Promise<void>> = [];
async function cleanUp(): Promise<void> {
  for (let step = cleanups.pop(); step; step = cleanups.pop()) {
    await step().catch((error: Error) => console.error(`cleanup failed: ${error.message}`));
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143)));
}
const perBackendSeconds = 180 + only.length * (warmUpSeconds + connectionCounts.length * (seconds + 15));
const watchdog = setTimeout(
  () => {
    console.error('records bench: watchdog expired, stopping everything');
    void cleanUp().finally(() => process.exit(1));
  },
  (backends.length * perBackendSeconds + 120 + 4 * seconds) * 1000,
);
watchdog.unref();

async function measure(
  server: ChildServer,
  requests: () => Parameters<typeof runLoad>[0]['requests'],
): Promise<Array<LoadFigures & { rssPeakMiB: number }>> {
  await runLoad({ url: server.url, connections: 16, durationSeconds: warmUpSeconds, requests: requests() });
  const figures: Array<LoadFigures & { rssPeakMiB: number }> = [];
  for (const connections of connectionCounts) {
    const sampler = sampleRss(() => server.rssMiB());
    const run = await runLoad({
      url: server.url,
      connections,
      durationSeconds: seconds,
      requests: requests(),
    });
    figures.push({ ...run, rssPeakMiB: await sampler.stop() });
  }
  return figures;
}

const loadAtStart = os.loadavg();
const work = await mkdtemp(join(os.tmpdir(), 'hl-bench-records-work-'));
cleanups.push(() => rm(work, { recursive: true, force: true }));
const rows: RunFigures[] = [];
const problems: string[] = [];
const backendRecords: unknown[] = [];
let readBody: Buffer | undefined;

try {
  for (const name of backends) {
    const backend = await prepareBackend(name);
    cleanups.push(() => backend.dispose());
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    console.log(`\n${backend.description}: healthlane start on ${origin}`);
    const startedAt = Date.now();
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
        // Unauthenticated figures (issue 3); the identity issue re-measures with tokens and audit.
        HEALTHLANE_AUTH: 'off',
        ...backend.env,
      },
      readyUrl: `${origin}/readyz`,
      url: origin,
      timeoutMs: 120_000,
    });
    cleanups.push(() => server.stop());
    const startupMs = Date.now() - startedAt;
    const ids = await seedPatients(origin, patients, syntheaPatient);
    const readResponse = await fetch(`${origin}/fhir/R4/Patient/${ids[0]}`);
    readBody ??= Buffer.from(await readResponse.arrayBuffer());
    const rssIdleMiB = await server.rssMiB();
    console.log(`  ready in ${startupMs} ms, seeded ${ids.length} Patients, RSS ${rssIdleMiB} MiB`);

    const interactions: Record<string, unknown> = {};
    for (const interactionName of only) {
      const interaction = buildInteraction(interactionName, ids);
      // The offset lets profile-top.ts --skip-ms leave start-up and seeding out of a server profile.
      console.log(`  ${interactionName} (server up ${Date.now() - startedAt} ms)`);
      // One request answered before the timed warm-up: the first write of a process loads the R4
      // definitions (seconds on a loaded machine), which would otherwise time out a whole run.
      await sendOne(origin, interaction);
      const figures = await measure(server, () => autocannonRequests(interaction));
      for (const run of figures) {
        const row: RunFigures = {
          backend: name,
          interaction: interactionName,
          ...run,
          resourcesPerSecond: run.requestsPerSecond * interaction.resourcesPerRequest,
        };
        rows.push(row);
        console.log(
          `    c=${run.connections}: ${run.requestsPerSecond} req/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, RSS ${run.rssPeakMiB} MiB, errors ${run.errors}, non-2xx ${run.non2xx}`,
        );
        if (run.errors > 0 || run.non2xx > 0) {
          const probe = await describeFailure(origin, interaction);
          problems.push(
            `${name} ${interactionName} c=${run.connections}: ${run.errors} errors, ${run.non2xx} non-2xx; ${probe}`,
          );
        }
      }
      interactions[interactionName] = figures.map((run) => ({
        ...run,
        ...(interaction.resourcesPerRequest > 1
          ? { resourcesPerSecond: run.requestsPerSecond * interaction.resourcesPerRequest }
          : {}),
      }));
    }
    backendRecords.push({
      backend: name,
      description: backend.description,
      startupMs,
      rssIdleMiB,
      interactions,
    });
    // Stop this server and drop its storage before the next backend runs on the same cores.
    await cleanups.pop()?.();
    await cleanups.pop()?.();
  }

  if (!readBody) throw new Error('no read response to serve from the bare server');
  const bodyFile = join(work, 'read-body.json');
  await writeFile(bodyFile, readBody);
  const barePort = await freePort();
  console.log(`\nbare node:http answering the same ${readBody.length} bytes as a Patient read`);
  const bare = await startChildServer({
    args: ['--import', 'tsx', join(root, 'bench/lib/bare-server.ts'), String(barePort), bodyFile],
    readyUrl: `http://127.0.0.1:${barePort}/`,
    url: `http://127.0.0.1:${barePort}/`,
  });
  cleanups.push(() => bare.stop());
  const bareFigures = await measure(bare, () => undefined);
  await cleanups.pop()?.();
  for (const run of bareFigures) {
    console.log(`    c=${run.connections}: ${run.requestsPerSecond} req/s, p50 ${run.latencyMs.p50} ms`);
  }

  for (const row of rows) {
    const bareRun = bareFigures.find((run) => run.connections === row.connections);
    row.ratioToBare = ratio(row.requestsPerSecond, bareRun?.requestsPerSecond ?? 0);
  }
  printTable(rows);
  for (const problem of problems) console.error(`PROBLEM ${problem}`);

  const loadAtEnd = os.loadavg();
  const figures = {
    seconds,
    warmUpSeconds,
    connections: connectionCounts,
    patientsSeeded: patients,
    observationsPerTransaction: OBSERVATIONS_PER_TRANSACTION,
    loadAverage: { atStart: loadAtStart, atEnd: loadAtEnd },
    bare: { bodyBytes: readBody.length, figures: bareFigures },
    backends: backendRecords,
    table: rows,
    problems,
  };
  if (profileDir) {
    console.log(`\nprofiling run (server under --cpu-prof): not recorded; profiles in ${profileDir}`);
  } else {
    await recordResult(
      'records',
      figures,
      [
        `Load average (1/5/15 min) at start ${loadAtStart.map((n) => n.toFixed(2)).join(' ')}, at end ${loadAtEnd.map((n) => n.toFixed(2)).join(' ')}.`,
        'autocannon runs in the bench process on the same 2 cores as the server (and PostgreSQL): the server never has the machine to itself.',
        'ratioToBare = req/s / bare node:http req/s at the same connection count; rssPeakMiB = peak server RSS sampled every 250 ms during the run (PostgreSQL backend processes not included).',
        'Latencies are whole milliseconds (autocannon histogram): p50 0 means under 1 ms.',
        problems.length > 0
          ? `PROBLEMS: ${problems.join(' | ')}`
          : 'No errors or non-2xx responses in any run.',
      ].join(' '),
    );
  }
  if (problems.length > 0) process.exitCode = 1;
} finally {
  await cleanUp();
  clearTimeout(watchdog);
}
