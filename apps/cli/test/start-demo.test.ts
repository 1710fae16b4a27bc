// `healthlane start` on an empty data directory is a working demo at once: it prints the console's
// address and the demo users' generated passwords once (they are in bootstrap.json, 0600, and in no
// log line), and simulated bedside monitors stream vitals for the demo patients so monitoring
// scores NEWS2 for them; a restart shows no password; HEALTHLANE_DEMO=0 turns every demo part off.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoWardPatients } from '../../../services/identity/src/bootstrap-demo.ts';
import { demoBeds, demoWardId } from '../src/demo/demo-monitors.ts';
import { type CliProcess, freePort, spawnCli, waitFor200 } from './support/spawn-cli.ts';

interface BootstrapFile {
  clientId: string;
  clientSecret: string;
  adminPassword: string;
  consoleUrl: string;
  demoUsers?: Array<{ username: string; password: string; roles: string[] }>;
}

async function startIn(dataDir: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const cli = spawnCli(['start'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    HEALTHLANE_DATA_DIR: dataDir,
    ...env,
  });
  await waitFor200(`${url}/readyz`, 60_000).catch((error) => {
    throw new Error(`${error.message}\n${cli.output().stderr}`);
  });
  return { cli, url, port };
}

async function stop(cli: CliProcess): Promise<void> {
  if (cli.child.exitCode !== null) return;
  cli.child.kill('SIGTERM');
  await cli.exited;
}

async function systemToken(url: string, file: BootstrapFile): Promise<string> {
  const issued = await fetch(`${url}/auth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${file.clientId}:${file.clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials&scope=system/*.cruds',
  });
  return ((await issued.json()) as { access_token: string }).access_token;
}

/** Resolves once `read` returns something defined, polling every half second. */
async function eventually<T>(
  read: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what} within ${timeoutMs} ms`);
}

describe('healthlane start: the demo on an empty data directory', () => {
  let dataDir: string;
  let first: { cli: CliProcess; url: string; port: number };
  let file: BootstrapFile;
  let token: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'healthlane-start-demo-'));
    first = await startIn(dataDir);
    file = JSON.parse(await readFile(join(dataDir, 'bootstrap.json'), 'utf8')) as BootstrapFile;
    token = await systemToken(first.url, file);
  }, 90_000);

  afterAll(async () => {
    if (first) await stop(first.cli);
    await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('prints the console address and each demo user with its password, once, outside the log lines', async () => {
    expect((await stat(join(dataDir, 'bootstrap.json'))).mode & 0o777).toBe(0o600);
    expect(file.demoUsers?.map((user) => user.username)).toEqual(['nurse', 'physician', 'privacy-officer']);
    const { stdout, stderr } = await eventually(
      async () => (first.cli.output().stdout.includes('Clinician console') ? first.cli.output() : undefined),
      10_000,
      'no banner',
    );
    expect(stdout).toContain(`Clinician console: http://localhost:${first.port}/`);
    const banner = stdout.split('\n').filter((line) => !line.startsWith('{'));
    const logLines = stdout.split('\n').filter((line) => line.startsWith('{'));
    for (const user of [...file.demoUsers!, { username: 'admin', password: file.adminPassword }]) {
      const line = banner.find((text) => text.trimStart().startsWith(`${user.username} `));
      expect(line).toContain(user.password);
      expect(banner.filter((text) => text.includes(user.password))).toHaveLength(1);
      expect(logLines.some((text) => text.includes(user.password))).toBe(false);
      expect(stderr).not.toContain(user.password);
    }
    expect(stdout).not.toContain(file.clientSecret);
  });

  it('streams live vitals for every demo patient, placed in the demo ward, and monitoring scores NEWS2', async () => {
    const auth = { authorization: `Bearer ${token}` };
    for (const patient of demoWardPatients) {
      const latest = await eventually(
        async () => {
          const response = await fetch(`${first.url}/monitoring/v1/patients/${patient}/latest`, {
            headers: auth,
          });
          const body = (await response.json()) as {
            vitals?: { heartRate?: { time: string } };
            news2?: { total: number; band: string } | null;
          };
          return body.vitals?.heartRate && body.news2 ? body : undefined;
        },
        90_000,
        'no scored vitals for a demo patient',
      );
      expect(typeof latest.news2?.total).toBe('number');
      // Live: the latest reading is seconds old.
      expect(Date.now() - Date.parse(latest.vitals!.heartRate!.time)).toBeLessThan(30_000);
    }
    const devices = await fetch(`${first.url}/fhir/R4/Device?location=${demoWardId}`, { headers: auth });
    const bundle = (await devices.json()) as {
      entry: Array<{ resource: { id: string; patient: { reference: string } } }>;
    };
    expect(bundle.entry.map((entry) => entry.resource.patient.reference).sort()).toEqual(
      demoBeds.map((bed) => `Patient/${bed.patientId}`).sort(),
    );
    const ward = await fetch(`${first.url}/fhir/R4/Location/${demoWardId}`, { headers: auth });
    expect(((await ward.json()) as { name: string }).name).toBe('Demo ward');
  }, 120_000);

  it('on a restart names the bootstrap file but shows no password', async () => {
    await stop(first.cli);
    expect(first.cli.output().stdout).not.toMatch(/"level":"(warn|error|fatal)"[^\n]*demo-monitors/);
    first = await startIn(dataDir);
    const stdout = await eventually(
      async () => {
        const text = first.cli.output().stdout;
        return text.includes('Clinician console') ? text : undefined;
      },
      10_000,
      'no banner',
    );
    expect(stdout).toContain(join(dataDir, 'bootstrap.json'));
    for (const user of file.demoUsers!) expect(stdout).not.toContain(user.password);
    expect(stdout).not.toContain(file.adminPassword);
  }, 90_000);
});

describe('healthlane start with HEALTHLANE_DEMO=0', () => {
  it('loads no demo patients, makes no demo users and runs no demo monitors', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'healthlane-start-nodemo-'));
    const { cli, url } = await startIn(dataDir, { HEALTHLANE_DEMO: '0' });
    try {
      const file = JSON.parse(await readFile(join(dataDir, 'bootstrap.json'), 'utf8')) as BootstrapFile;
      expect(file.demoUsers).toBeUndefined();
      const token = await systemToken(url, file);
      // Give a demo, were it running, the time to place its first monitor.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const devices = await fetch(`${url}/fhir/R4/Device?_summary=count`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(((await devices.json()) as { total: number }).total).toBe(0);
      const patients = await fetch(`${url}/fhir/R4/Patient?_summary=count`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(((await patients.json()) as { total: number }).total).toBe(0);
      const { stdout } = cli.output();
      expect(stdout).toContain('Clinician console');
      expect(stdout).not.toContain('Demo:');
      expect(stdout).toContain(file.adminPassword);
    } finally {
      await stop(cli);
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
