// Reads with authentication on vs off: `healthlane start` (PGlite, every service) twice — once
// with HEALTHLANE_AUTH=on and a bootstrap-client token on every request (JWT verified at the
// gateway: cached after the first request, revocations still applied), once with it off — against
// the bare node:http yardstick. Bounded: a few seconds per run, loopback only.
// Usage: node --import tsx bench/identity/run.ts [--seconds 10] [--connections 16]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readBootstrap, tokenSource } from '../lib/bootstrap-token.ts';
import { startChildServer } from '../lib/child-server.ts';
import { freePort } from '../lib/free-port.ts';
import { type LoadFigures, runLoad } from '../lib/load.ts';
import { recordResult } from '../lib/results.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '16' } },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);

async function platformRun(auth: 'on' | 'off'): Promise<LoadFigures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'healthlane-bench-identity-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const server = await startChildServer({
    args: ['--import', 'tsx', join(root, 'apps/cli/src/main.ts'), 'start'],
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      HEALTHLANE_DEMO: '0',
      // One load generator stands for many clients: the per-client limit (500/s) would cap the run.
      GATEWAY_RATE_LIMIT_PER_SECOND: '1000000',
      HEALTHLANE_AUTH: auth,
      HEALTHLANE_DATA_DIR: dataDir,
      HEALTHLANE_PUBLIC_URL: origin,
    },
    readyUrl: `${origin}/readyz`,
    url: origin,
    timeoutMs: 180_000,
  });
  try {
    const tokens = tokenSource(await readBootstrap(dataDir), origin);
    const headers: Record<string, string> = auth === 'on' ? { authorization: await tokens.bearer() } : {};
    const created = await fetch(`${origin}/fhir/R4/Patient`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Bench' }] }),
    });
    if (created.status !== 201) throw new Error(`seeding answered ${created.status}`);
    const { id } = (await created.json()) as { id: string };
    const figures = await runLoad({
      url: `${origin}/fhir/R4/Patient/${id}`,
      connections,
      durationSeconds: seconds,
      headers,
    });
    console.log(
      `auth ${auth}: ${figures.requestsPerSecond} req/s, p99 ${figures.latencyMs.p99} ms, non-2xx ${figures.non2xx}`,
    );
    return figures;
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const barePort = await freePort();
const bare = await startChildServer({
  args: ['--import', 'tsx', join(root, 'bench/lib/bare-server.ts'), String(barePort)],
  readyUrl: `http://127.0.0.1:${barePort}/`,
  url: `http://127.0.0.1:${barePort}/`,
});
let bareFigures: LoadFigures;
try {
  bareFigures = await runLoad({ url: bare.url, connections, durationSeconds: seconds });
  console.log(`bare node:http: ${bareFigures.requestsPerSecond} req/s`);
} finally {
  await bare.stop();
}
const on = await platformRun('on');
const off = await platformRun('off');
await recordResult(
  'identity-auth-reads',
  {
    bare: bareFigures,
    authOn: on,
    authOff: off,
    authOnVsBare: Number((on.requestsPerSecond / bareFigures.requestsPerSecond).toFixed(3)),
    authOnVsOff: Number((on.requestsPerSecond / off.requestsPerSecond).toFixed(3)),
  },
  `GET /fhir/R4/Patient/{id}, ${connections} connections, ${seconds} s each; healthlane start (PGlite, all services)`,
);
