// The platform's own service identity with authentication ON, end to end in `healthlane start` (a
// real process, the in-process peers path): monitoring learns a Device from records and charts the
// vitals it receives back to records as Observations, both through peer calls that carry the
// services' client_credentials token; a call without a token, with an invalid one, or a token
// request with a wrong service secret is refused.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vitalsPayload } from '../src/simulate/scenarios.ts';
import { createBedsInRecords } from '../src/simulate/setup-records.ts';
import { type CliProcess, freePort, spawnCli, waitFor200 } from './support/spawn-cli.ts';

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('service identity in healthlane start (auth on)', () => {
  let dataDir: string;
  let cli: CliProcess;
  let url: string;
  let token = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'healthlane-service-identity-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    cli = spawnCli(['start'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      HEALTHLANE_DATA_DIR: dataDir,
      HEALTHLANE_PUBLIC_URL: url,
      HEALTHLANE_DEMO: '0',
      MONITORING_CHARTING_INTERVAL: '1s',
    });
    await waitFor200(`${url}/readyz`, 60_000).catch((error) => {
      throw new Error(`${error.message}\n${cli.output().stderr}`);
    });
    const bootstrap = JSON.parse(await readFile(join(dataDir, 'bootstrap.json'), 'utf8')) as Record<
      string,
      string
    >;
    const issued = await fetch(`${url}/auth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${bootstrap.clientId}:${bootstrap.clientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=system/*.cruds',
    });
    token = ((await issued.json()) as { access_token: string }).access_token;
  }, 90_000);

  afterAll(async () => {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('monitoring reads the Device from records and charts vitals to records', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const bed = { patientId: 'svc-id-p1', deviceId: 'svc-id-d1' };
    await createBedsInRecords(url, [bed], 'svc-ward', auth);
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
    // The Device reaches monitoring only by a peer call to records (records-consumer reads the
    // version); vitals keep arriving until charting (a peer call writing to records) shows them.
    const charted = await until('charted Observations in records', 60_000, async () => {
      const sent = await fetch(`${url}/monitoring/v1/samples`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify(vitalsPayload(bed.deviceId, Date.now(), vitals)),
      });
      expect(sent.status).toBe(200);
      const response = await fetch(`${url}/fhir/R4/Observation?subject=Patient/${bed.patientId}`, {
        headers: auth,
      });
      expect(response.status).toBe(200);
      const bundle = (await response.json()) as { entry?: unknown[] };
      return (bundle.entry?.length ?? 0) > 0 ? bundle.entry! : undefined;
    });
    expect(charted.length).toBeGreaterThan(0);
  }, 90_000);

  it('refuses calls without a token, with an invalid one, and a wrong service client secret', async () => {
    expect((await fetch(`${url}/fhir/R4/Patient`)).status).toBe(401);
    expect(
      (await fetch(`${url}/fhir/R4/Patient`, { headers: { authorization: 'Bearer not-a-token' } })).status,
    ).toBe(401);
    const guessed = await fetch(`${url}/auth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('healthlane-services:guessed-secret').toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=system/*.cruds',
    });
    expect(guessed.status).toBe(401);
  });
});
