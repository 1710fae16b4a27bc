// `healthlane cluster` against the shared PostgreSQL and NATS: a fixture service behind the
// gateway, a child killed with SIGKILL and restarted by the supervisor, and an orderly stop.
import { fileURLToPath } from 'node:url';
import { createTestNatsBus, type TestNatsBus } from '@healthlane/bus/testing';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vitalsPayload } from '../src/simulate/scenarios.ts';
import { createBedsInRecords } from '../src/simulate/setup-records.ts';
import { type CliProcess, freePort, spawnCli } from './support/spawn-cli.ts';

const echoFixture = fileURLToPath(new URL('./fixtures/echo-service.ts', import.meta.url));

interface ClusterLine {
  service?: string;
  msg?: string;
  child?: string;
  childPid?: number;
  signal?: string;
}

function clusterLines(cli: CliProcess): ClusterLine[] {
  return cli
    .output()
    .stdout.split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as ClusterLine)
    .filter((line) => line.service === 'cluster');
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('healthlane cluster', () => {
  let database: TestPostgresDatabase;
  let nats: TestNatsBus;
  let cli: CliProcess;
  let gatewayUrl: string;
  /** A system token from the bootstrap client (authentication is on, as in production). */
  let token = '';
  const bootstrap = { id: `cluster-test-${Date.now()}`, secret: 'cluster-test-secret-0123456789' };

  beforeAll(async () => {
    [database, nats] = await Promise.all([createTestPostgresDatabase(), createTestNatsBus()]);
    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    cli = spawnCli(['cluster'], {
      DATABASE_URL: database.url,
      NATS_URL: nats.url,
      NATS_STREAM: nats.stream,
      NATS_SUBJECT_PREFIX: nats.subjectPrefix,
      PORT: String(port),
      HOST: '127.0.0.1',
      HEALTHLANE_CLUSTER_BASE_PORT: '0',
      HEALTHLANE_EXTRA_SERVICES: echoFixture,
      SHUTDOWN_TIMEOUT_MS: '10s',
      HEALTHLANE_PUBLIC_URL: gatewayUrl,
      HEALTHLANE_BOOTSTRAP_CLIENT_ID: bootstrap.id,
      HEALTHLANE_BOOTSTRAP_CLIENT_SECRET: bootstrap.secret,
      HEALTHLANE_ADMIN_USER: 'cluster-admin',
      HEALTHLANE_ADMIN_PASSWORD: 'cluster-admin-password',
      MONITORING_CHARTING_INTERVAL: '1s',
    });
    await until(
      'cluster ready',
      () => clusterLines(cli).find((line) => line.msg === 'cluster ready'),
      90_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${cli.output().stdout}\n${cli.output().stderr}`);
    });
    const issued = await fetch(`${gatewayUrl}/auth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${bootstrap.id}:${bootstrap.secret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=system/*.rs',
    });
    token = ((await issued.json()) as { access_token: string }).access_token;
  }, 120_000);

  afterAll(async () => {
    if (cli?.child.exitCode === null) {
      cli.child.kill('SIGKILL');
      for (const line of clusterLines(cli))
        if (line.childPid && isAlive(line.childPid)) process.kill(line.childPid, 'SIGKILL');
    }
    await Promise.allSettled([database?.drop(), nats?.drop()]);
  });

  async function echo(): Promise<{ pid: number; requestId: string } | undefined> {
    const response = await fetch(`${gatewayUrl}/echo`, {
      headers: { 'x-request-id': 'cluster-test', authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5_000),
    }).catch(() => undefined);
    if (response?.status !== 200) return undefined;
    return (await response.json()) as { pid: number; requestId: string };
  }

  it('routes the fixture service prefix through the gateway to its own process', async () => {
    const answer = await echo();
    expect(answer?.requestId).toBe('cluster-test');
    const echoChild = clusterLines(cli).find((line) => line.msg === 'child started' && line.child === 'echo');
    expect(answer?.pid).toBe(echoChild?.childPid);
    expect(answer?.pid).not.toBe(cli.child.pid);
  });

  it('routes the SMART configuration under the FHIR base to identity, and verifies tokens on records', async () => {
    const smart = await fetch(`${gatewayUrl}/fhir/R4/.well-known/smart-configuration`);
    expect(smart.status).toBe(200);
    expect(((await smart.json()) as { token_endpoint: string }).token_endpoint).toBe(
      `${gatewayUrl}/auth/token`,
    );
    expect((await fetch(`${gatewayUrl}/fhir/R4/Patient?_count=1`)).status).toBe(401);
    const search = await fetch(`${gatewayUrl}/fhir/R4/Patient?_count=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(search.status).toBe(200);
    expect((await fetch(`${gatewayUrl}/echo`)).status).toBe(401);
  });

  it("monitoring's calls to records (over HTTP, through the gateway) carry the services' token", async () => {
    const issued = await fetch(`${gatewayUrl}/auth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${bootstrap.id}:${bootstrap.secret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=system/*.cruds',
    });
    const writer = ((await issued.json()) as { access_token: string }).access_token;
    const auth = { authorization: `Bearer ${writer}` };
    const bed = { patientId: 'cluster-p1', deviceId: 'cluster-d1' };
    await createBedsInRecords(gatewayUrl, [bed], 'cluster-ward', auth);
    const vitals = {
      rr: 16,
      spo2: 97,
      sbp: 120,
      dbp: 80,
      hr: 72,
      temp: 37,
      acvpu: 'A',
      onOxygen: false,
    } as const;
    // Charted Observations appear only if monitoring read the Device and wrote the batch to records.
    const charted = await until(
      'charted Observations',
      async () => {
        await fetch(`${gatewayUrl}/monitoring/v1/samples`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth },
          body: JSON.stringify(vitalsPayload(bed.deviceId, Date.now(), vitals)),
        });
        const response = await fetch(`${gatewayUrl}/fhir/R4/Observation?subject=Patient/${bed.patientId}`, {
          headers: auth,
        });
        const bundle = (await response.json()) as { entry?: unknown[] };
        return (bundle.entry?.length ?? 0) > 0 ? bundle.entry : undefined;
      },
      60_000,
    );
    expect(charted.length).toBeGreaterThan(0);
  }, 90_000);

  it('restarts a child killed with SIGKILL, after which requests succeed again', async () => {
    const before = await echo();
    expect(before).toBeDefined();
    process.kill(before!.pid, 'SIGKILL');
    const after = await until(
      'the restarted echo service',
      async () => {
        const answer = await echo();
        return answer && answer.pid !== before!.pid ? answer : undefined;
      },
      45_000,
    );
    expect(after.pid).not.toBe(before!.pid);
    const exit = clusterLines(cli).find((line) => line.msg === 'child exited' && line.child === 'echo');
    expect(exit?.signal).toBe('SIGKILL');
  });

  it('stops every child and exits 0 on SIGTERM', async () => {
    const children = clusterLines(cli)
      .filter((line) => line.msg === 'child started')
      .map((line) => line.childPid!);
    expect(children.length).toBeGreaterThanOrEqual(3);
    cli.child.kill('SIGTERM');
    const exit = await cli.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(children.filter(isAlive)).toEqual([]);
  }, 60_000);
});
