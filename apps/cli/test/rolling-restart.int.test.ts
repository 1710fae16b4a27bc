// Rolling restart of `healthlane cluster` under read load (issue #8): every service but the gateway
// is stopped in turn with SIGTERM, as a rolling update stops a pod, and comes back through the
// supervisor, while readers keep reading Patients through the gateway. Not one read may fail: the
// gateway retries idempotent requests while their upstream refuses connections
// (GATEWAY_IDEMPOTENT_RETRY_MS, here long enough for a records process to start on a busy machine).
// PostgreSQL: a private database on 127.0.0.1:5432; NATS: a private server on a spare port.
import { randomBytes } from 'node:crypto';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Cluster,
  type ClusterLine,
  childPids,
  clientToken,
  clusterReady,
  spawnCluster,
  stopCluster,
  until,
} from './support/cluster-process.ts';
import { type PrivateNats, startPrivateNats } from './support/private-nats.ts';
import { freePort } from './support/spawn-cli.ts';

const restarted = ['records', 'identity', 'audit'];
const readers = 4;

describe('healthlane cluster rolling restart', () => {
  const suffix = randomBytes(6).toString('hex');
  const bootstrap = { id: `rolling-${suffix}`, secret: `rolling-secret-${randomBytes(16).toString('hex')}` };
  let database: TestPostgresDatabase;
  let nats: PrivateNats;
  let cluster: Cluster | undefined;
  let ready: ClusterLine;
  let gatewayUrl = '';

  beforeAll(async () => {
    [database, nats] = await Promise.all([createTestPostgresDatabase(), startPrivateNats()]);
    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    cluster = spawnCluster({
      HEALTHLANE_SERVICES: ['gateway', ...restarted].join(','),
      DATABASE_URL: database.url,
      NATS_URL: nats.url,
      NATS_STREAM: `HL_ROLLING_${suffix}`,
      NATS_SUBJECT_PREFIX: `hlrolling_${suffix}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      HEALTHLANE_CLUSTER_BASE_PORT: '0',
      HEALTHLANE_CLUSTER_READY_TIMEOUT_MS: '120s',
      SHUTDOWN_TIMEOUT_MS: '10s',
      HEALTHLANE_PUBLIC_URL: gatewayUrl,
      HEALTHLANE_BOOTSTRAP_CLIENT_ID: bootstrap.id,
      HEALTHLANE_BOOTSTRAP_CLIENT_SECRET: bootstrap.secret,
      HEALTHLANE_ADMIN_USER: 'rolling-admin',
      HEALTHLANE_ADMIN_PASSWORD: `rolling-admin-${suffix}`,
      GATEWAY_RATE_LIMIT_PER_SECOND: '100000',
      GATEWAY_IDEMPOTENT_RETRY_MS: '90s',
      LOG_LEVEL: 'info',
    });
    ready = await clusterReady(cluster, 150_000);
  }, 200_000);

  afterAll(async () => {
    await stopCluster(cluster);
    await Promise.allSettled([nats?.stop(), database?.drop()]);
  }, 60_000);

  it(`restarts ${restarted.join(', ')} in turn without one failed read`, async () => {
    const token = await clientToken(gatewayUrl, bootstrap, 'system/*.cruds');
    const auth = { authorization: `Bearer ${token}` };
    const ids: string[] = [];
    for (let index = 0; index < 10; index += 1) {
      const created = await fetch(`${gatewayUrl}/fhir/R4/Patient`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/fhir+json', prefer: 'return=minimal' },
        body: JSON.stringify({ resourceType: 'Patient', active: true }),
      });
      expect(created.status).toBe(201);
      ids.push(/\/Patient\/([^/]+)\/_history\//.exec(created.headers.get('location') ?? '')![1]!);
    }

    let reads = 0;
    const failed: string[] = [];
    let reading = true;
    let phase = 'steady';
    const reader = async (offset: number) => {
      for (let index = offset; reading; index += 1) {
        const response = await fetch(`${gatewayUrl}/fhir/R4/Patient/${ids[index % ids.length]}`, {
          headers: auth,
          signal: AbortSignal.timeout(120_000),
        }).catch((error: Error) => error);
        if (response instanceof Error) failed.push(`${phase} network: ${response.name}`);
        else {
          const text = await response.text();
          if (response.status !== 200) failed.push(`${phase} ${response.status} ${text.slice(0, 160)}`);
        }
        reads += 1;
      }
    };
    const load = Promise.all(Array.from({ length: readers }, (_, offset) => reader(offset)));

    const restarts: Array<{ service: string; readsDuring: number; backInMs: number }> = [];
    for (const service of restarted) {
      const before = childPids(cluster!, service);
      const readsBefore = reads;
      phase = service;
      const stoppedAt = Date.now();
      process.kill(before.at(-1)!, 'SIGTERM');
      await until(
        'the service started again',
        () => (childPids(cluster!, service).length > before.length ? true : undefined),
        60_000,
      );
      const port = ready.ports![service]!;
      await until(
        `${service} ready again`,
        () =>
          fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
            (response) => (response.status === 200 ? true : undefined),
            () => undefined,
          ),
        120_000,
      );
      // As a rolling update waits for each pod: the next stop only once reads flow again. (A new
      // records process loads identity's key set at its first token: with one identity process,
      // stopping identity before that would leave records unable to verify tokens — 503.)
      const readsAtReady = reads;
      await until(
        'reads after the restart',
        () => (reads >= readsAtReady + 2 * readers ? true : undefined),
        120_000,
      );
      restarts.push({ service, readsDuring: reads - readsBefore, backInMs: Date.now() - stoppedAt });
      phase = `after ${service}`;
    }
    // A little more load after the last restart, then stop reading.
    const readsAtEnd = reads;
    await until('reads after the last restart', () => (reads > readsAtEnd + 20 ? true : undefined), 60_000);
    reading = false;
    await load;

    console.log(JSON.stringify({ rollingRestart: { reads, restarts } }));
    if (failed.length > 0) console.log(cluster!.warnings.join('\n'));
    expect(failed).toEqual([]);
    expect(restarts.every((restart) => restart.readsDuring > 0)).toBe(true);
  }, 400_000);
});
