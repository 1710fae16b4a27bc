// Arrival → alert frame latency under load: the platform (records + monitoring, PostgreSQL or
// PGlite) runs as its own process; this process plays N beds sending 5 vitals each at 1 Hz over
// HTTP, and every so often makes one probe bed deteriorate and times from sending that sample to
// receiving the NEWS2 alert frame on the probe patient's live WebSocket. Loopback only; bounded.
//
//   node --import tsx bench/monitoring/alert-latency.ts [--beds 10000] [--seconds 30] [--backend postgres|pglite] [--probes-per-second 5] [--cpu-prof <dir>]
// --cpu-prof writes the platform process's CPU profile (node --cpu-prof) into <dir>.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTestPostgresDatabase } from '@healthlane/store/testing';
import WebSocket from 'ws';
import { freePort } from '../lib/free-port.ts';
import { recordResult } from '../lib/results.ts';

const { values } = parseArgs({
  options: {
    beds: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '30' },
    backend: { type: 'string', default: 'postgres' },
    'probes-per-second': { type: 'string', default: '5' },
    'cpu-prof': { type: 'string' },
  },
});
const beds = Number(values.beds);
const seconds = Number(values.seconds);
const probesPerSecond = Number(values['probes-per-second']);
const probeCount = Math.min(beds, Math.ceil(seconds * probesPerSecond) + 5);
const root = fileURLToPath(new URL('../../', import.meta.url));
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const codes = ['9279-1', '59408-5', '8480-6', '8867-4', '8310-5'];

const pg = values.backend === 'postgres' ? await createTestPostgresDatabase() : undefined;
await pg?.db.close();
const dataDir = pg ? undefined : await mkdtemp(join(tmpdir(), 'hl-bench-alert-'));
const startPlatform = () =>
  spawn(
    process.execPath,
    [
      ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : []),
      '--import',
      'tsx',
      'apps/cli/src/main.ts',
      'start',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        HEALTHLANE_SERVICES: 'records,monitoring',
        HEALTHLANE_AUTH: 'off',
        HEALTHLANE_DEMO: '0',
        LOG_LEVEL: 'warn',
        DATABASE_POOL_SIZE: '12',
        ...(pg ? { DATABASE_URL: pg.url } : { HEALTHLANE_DATA_DIR: dataDir }),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
let child = startPlatform();
const stopPlatform = async () => {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('close', r));
};

async function post(path: string, body: string, type = 'application/json'): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
}

async function waitReady(): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('platform not ready');
}

const batch = (bed: number, time: string, v: number[]) =>
  `{"device":"b${bed}","samples":[${codes.map((code, k) => `{"code":"${code}","time":"${time}","value":${v[k]}}`).join(',')}]}`;

try {
  await waitReady();
  const setupStarted = Date.now();
  if (pg) {
    // Setup is not what is measured: on PostgreSQL the device assignments monitoring would learn
    // from records' Device events are written straight into its table (loaded at start), since
    // creating 20,000 resources through records takes far longer than the measured run on this
    // machine. On PGlite they go through records (see below).
    await stopPlatform();
    const { openDatabase } = await import('@healthlane/store');
    const db = await openDatabase({ url: pg.url });
    await db.query(
      `INSERT INTO monitoring.device_assignment (device_id, patient_id, ward_id, version_id, updated_at)
       SELECT 'b' || i, 'p' || i, NULL, '1', now() FROM generate_series(0, $1::int - 1) AS i`,
      [beds],
    );
    await db.close();
    child = startPlatform();
    await waitReady();
  }
  const chunks: number[] = [];
  for (let start = 0; start < beds && !pg; start += 500) chunks.push(start);
  const setupOne = async (start: number) => {
    const entry = [];
    for (let bed = start; bed < Math.min(beds, start + 500); bed += 1) {
      entry.push(
        {
          resource: { resourceType: 'Patient', id: `p${bed}` },
          request: { method: 'PUT', url: `Patient/p${bed}` },
        },
        {
          resource: { resourceType: 'Device', id: `b${bed}`, patient: { reference: `Patient/p${bed}` } },
          request: { method: 'PUT', url: `Device/b${bed}` },
        },
      );
    }
    const response = await post(
      '/fhir/R4',
      JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }),
      'application/fhir+json',
    );
    if (response.status !== 200) throw new Error(`setup refused: ${response.status}`);
  };
  // Four transaction Bundles in flight: setup is records' work, not what is measured.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let start = chunks.shift(); start !== undefined; start = chunks.shift()) await setupOne(start);
    }),
  );
  // Wait until monitoring has learned the last assignment, then give every bed ACVPU and air.
  for (;;) {
    const time = new Date().toISOString();
    await post(
      '/monitoring/v1/samples',
      `{"device":"b${beds - 1}","samples":[{"code":"8867-4","time":"${time}","value":70}]}`,
    );
    const latest = (await (await fetch(`${url}/monitoring/v1/patients/p${beds - 1}/latest`)).json()) as {
      vitals: Record<string, unknown>;
    };
    if (latest.vitals.heartRate) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  for (let start = 0; start < beds; start += 1000) {
    const time = new Date().toISOString();
    const part = [];
    for (let bed = start; bed < Math.min(beds, start + 1000); bed += 1) {
      part.push(
        `{"device":"b${bed}","samples":[{"code":"1104441000000107","time":"${time}","value":"A"},{"code":"722742002","time":"${time}"}]}`,
      );
    }
    await post('/monitoring/v1/samples', `[${part.join(',')}]`);
  }
  const setupSeconds = (Date.now() - setupStarted) / 1000;
  console.log(`setup: ${beds} beds in ${setupSeconds.toFixed(1)} s`);

  // Live streams for the probe patients.
  const sent = new Map<number, number>();
  const latencies: number[] = [];
  const sockets = await Promise.all(
    Array.from({ length: probeCount }, async (_, bed) => {
      const socket = new WebSocket(`${url.replace('http', 'ws')}/monitoring/v1/live?patient=p${bed}`);
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as {
          type: string;
          event?: { type: string };
          alert?: { rule: string };
        };
        if (frame.type === 'alert' && frame.event?.type === 'raised' && frame.alert?.rule === 'news2') {
          const t0 = sent.get(bed);
          if (t0 !== undefined) {
            latencies.push(performance.now() - t0);
            sent.delete(bed);
          }
        }
      });
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      return socket;
    }),
  );

  let samplesAcked = 0;
  let failedRequests = 0;
  let lateTicks = 0;
  let nextProbe = 0;
  const began = performance.now();
  const probeTimer = setInterval(() => {
    if (nextProbe >= probeCount) return;
    const bed = nextProbe++;
    const body = batch(bed, new Date().toISOString(), [30, 85, 88, 135, 39.5]);
    sent.set(bed, performance.now());
    void post('/monitoring/v1/samples', body).catch(() => failedRequests++);
  }, 1000 / probesPerSecond);
  while (performance.now() - began < seconds * 1000) {
    const tickStart = performance.now();
    const time = new Date().toISOString();
    const requests: Promise<void>[] = [];
    for (let start = probeCount; start < beds; start += 500) {
      const part = [];
      for (let bed = start; bed < Math.min(beds, start + 500); bed += 1)
        part.push(batch(bed, time, [16, 97, 120, 70, 37]));
      requests.push(
        post('/monitoring/v1/samples', `[${part.join(',')}]`).then(
          async (r) => {
            if (r.status === 200) samplesAcked += part.length * codes.length;
            else failedRequests += 1;
            await r.arrayBuffer();
          },
          () => {
            failedRequests += 1;
          },
        ),
      );
    }
    await Promise.all(requests);
    const wait = 1000 - (performance.now() - tickStart);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else lateTicks += 1;
  }
  clearInterval(probeTimer);
  const elapsed = (performance.now() - began) / 1000;
  await new Promise((r) => setTimeout(r, 2000));
  for (const socket of sockets) socket.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies.length
      ? Math.round(
          latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! * 10,
        ) / 10
      : null;
  const figures = {
    backend: values.backend,
    beds,
    offeredSamplesPerSecond: beds * codes.length,
    achievedDurableSamplesPerSecond: Math.round(samplesAcked / elapsed),
    seconds: Math.round(elapsed * 10) / 10,
    lateTicks,
    failedRequests,
    probesSent: nextProbe,
    alertsReceived: latencies.length,
    arrivalToAlertMs: { p50: pct(50), p90: pct(90), p99: pct(99), max: latencies.at(-1) ?? null },
    setupSeconds,
  };
  console.log(JSON.stringify(figures, null, 2));
  await recordResult(
    `monitoring-alert-latency-${values.backend}-${beds}beds`,
    figures,
    'Latency = from just before the probe sample is POSTed to the moment the NEWS2 "raised" alert frame arrives on the probe patient\'s live WebSocket (loopback, both processes on this machine). ' +
      'Background load: every other bed POSTs 5 vitals once a second in arrays of 500 batches; a tick that takes longer than a second is late (the offered rate was not reached). ' +
      "Machine shared with other engineers' builds and tests (2 cores): see loadAverage.",
  );
} finally {
  await stopPlatform();
  await pg?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
