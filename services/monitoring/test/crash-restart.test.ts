// Kill the platform with SIGKILL while devices are sending, start it again on the same data, and
// find every sample that was acknowledged (HTTP 200) stored: acknowledgement follows durability.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, freePort, spawnCli, waitFor200 } from '../../../apps/cli/test/support/spawn-cli.ts';
import { eventually } from './support/platform.ts';

let dataDir: string;
let port: number;
let url: string;
let cli: CliProcess | undefined;

async function startCli(): Promise<CliProcess> {
  const child = spawnCli(['start'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    HEALTHLANE_DATA_DIR: dataDir,
    HEALTHLANE_SERVICES: 'records,monitoring',
    HEALTHLANE_DEMO: '0',
    HEALTHLANE_AUTH: 'off',
    LOG_LEVEL: 'warn',
  });
  await waitFor200(`${url}/readyz`, 150_000).catch((error: Error) => {
    throw new Error(`${error.message}\n${child.output().stderr}`);
  });
  return child;
}

async function post(
  path: string,
  body: unknown,
  method = 'POST',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': path.startsWith('/fhir') ? 'application/fhir+json' : 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'healthlane-crash-'));
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  cli = await startCli();
}, 180_000);

afterAll(async () => {
  if (cli && cli.child.exitCode === null) cli.child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('SIGKILL during ingest', () => {
  it('loses no acknowledged sample', async () => {
    const patient = await post('/fhir/R4/Patient', { resourceType: 'Patient' });
    const patientId = patient.body.id as string;
    await post(
      '/fhir/R4/Device/crash-bed',
      { resourceType: 'Device', id: 'crash-bed', patient: { reference: `Patient/${patientId}` } },
      'PUT',
    );
    const base = Date.now() - 60_000;
    await eventually(async () => {
      await post('/monitoring/v1/samples', {
        device: 'crash-bed',
        samples: [{ code: '9279-1', time: new Date(base).toISOString(), value: 15 }],
      });
      const latest = await fetch(`${url}/monitoring/v1/patients/${patientId}/latest`).then(
        (r) => r.json() as Promise<{ vitals: Record<string, unknown> }>,
      );
      return latest.vitals.respiratoryRate ? true : undefined;
    }, 90_000);

    const acknowledged: number[] = [];
    let next = 0;
    let killed = false;
    async function sender(): Promise<void> {
      while (!killed) {
        const offsets = Array.from({ length: 50 }, () => next++);
        const samples = offsets.map((o) => ({
          code: '8867-4',
          time: new Date(base + o).toISOString(),
          value: 60 + (o % 40),
        }));
        try {
          const reply = await post('/monitoring/v1/samples', { device: 'crash-bed', samples });
          if (reply.status === 200 && reply.body.accepted === 50) acknowledged.push(...offsets);
        } catch {
          return; // the connection died with the process: not acknowledged
        }
      }
    }
    const senders = Array.from({ length: 4 }, () => sender());
    await eventually(async () => (acknowledged.length >= 2_000 ? true : undefined), 90_000);
    (cli as CliProcess).child.kill('SIGKILL');
    killed = true;
    await (cli as CliProcess).exited;
    await Promise.all(senders);
    expect(acknowledged.length).toBeGreaterThanOrEqual(2_000);

    cli = await startCli();
    const from = new Date(base - 1).toISOString();
    const to = new Date(base + next + 1).toISOString();
    const series = await fetch(
      `${url}/monitoring/v1/patients/${patientId}/series?code=8867-4&from=${from}&to=${to}&limit=100000`,
    ).then((r) => r.json() as Promise<{ points: Array<{ time: string }> }>);
    const stored = new Set(series.points.map((p) => Date.parse(p.time) - base));
    const lost = acknowledged.filter((offset) => !stored.has(offset));
    expect(lost).toEqual([]);
  }, 400_000);
});
