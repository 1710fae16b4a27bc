// `healthlane import` against `healthlane start` with authentication ON (the default): the
// bootstrap client read from HEALTHLANE_DATA_DIR by default, a client's credentials with the token
// URL discovered from the SMART configuration, a given token; without credentials, or with a
// wrong secret, nothing is stored and the command fails. `healthlane simulate` reads the same
// bootstrap client by default.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, freePort, spawnCli, waitFor200 } from './support/spawn-cli.ts';

describe('healthlane import with authentication on', () => {
  let dataDir: string;
  let workDir: string;
  let cli: CliProcess;
  let url: string;
  let bootstrap: { clientId: string; clientSecret: string };
  let token = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'healthlane-import-auth-'));
    workDir = await mkdtemp(join(tmpdir(), 'healthlane-import-auth-work-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    cli = spawnCli(['start'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      HEALTHLANE_DATA_DIR: dataDir,
      HEALTHLANE_PUBLIC_URL: url,
      HEALTHLANE_DEMO: '0',
    });
    await waitFor200(`${url}/readyz`, 60_000).catch((error) => {
      throw new Error(`${error.message}\n${cli.output().stderr}`);
    });
    bootstrap = JSON.parse(await readFile(join(dataDir, 'bootstrap.json'), 'utf8'));
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
    await rm(workDir, { recursive: true, force: true });
  });

  async function bundleFile(id: string): Promise<string> {
    const file = join(workDir, `${id}.json`);
    await writeFile(
      file,
      JSON.stringify({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: { resourceType: 'Patient', id, name: [{ family: 'Imported' }] },
            request: { method: 'PUT', url: `Patient/${id}` },
          },
        ],
      }),
    );
    return file;
  }

  async function runImport(id: string, options: string[], env: Record<string, string> = {}) {
    const file = await bundleFile(id);
    const run = spawnCli(
      ['import', '--url', url, '--fresh', '--journal', join(workDir, `${id}.journal.json`), ...options, file],
      { HEALTHLANE_DATA_DIR: dataDir, HEALTHLANE_CLIENT_SECRET: undefined, ...env },
    );
    const { code } = await run.exited;
    const stored = await fetch(`${url}/fhir/R4/Patient/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { code, stored: stored.status, output: run.output() };
  }

  it('uses the bootstrap client in HEALTHLANE_DATA_DIR by default', async () => {
    const result = await runImport('imp-auth-default', []);
    expect(result.code, result.output.stderr).toBe(0);
    expect(result.stored).toBe(200);
  }, 60_000);

  it('trades --client-id/--client-secret for tokens at the endpoint the SMART configuration names', async () => {
    const result = await runImport(
      'imp-auth-client',
      ['--client-id', bootstrap.clientId, '--client-secret', bootstrap.clientSecret],
      { HEALTHLANE_DATA_DIR: workDir },
    );
    expect(result.code, result.output.stderr).toBe(0);
    expect(result.stored).toBe(200);
  }, 60_000);

  it('sends a --token as given', async () => {
    const result = await runImport('imp-auth-token', ['--token', token], { HEALTHLANE_DATA_DIR: workDir });
    expect(result.code, result.output.stderr).toBe(0);
    expect(result.stored).toBe(200);
  }, 60_000);

  it('stores nothing without credentials, and stops with a clear line on a wrong secret', async () => {
    const anonymous = await runImport('imp-auth-none', [], { HEALTHLANE_DATA_DIR: workDir });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stored).toBe(404);

    const wrong = await runImport('imp-auth-wrong', ['--client-id', bootstrap.clientId], {
      HEALTHLANE_DATA_DIR: workDir,
      HEALTHLANE_CLIENT_SECRET: 'not-the-secret',
    });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stored).toBe(404);
    expect(wrong.output.stderr).toContain('invalid_client');
    expect(wrong.output.stderr).not.toContain('not-the-secret');
  }, 60_000);

  it('simulate authenticates with the bootstrap client by default', async () => {
    const run = spawnCli(['simulate', '--url', url, '--patients', '1', '--duration', '2s', '--seed', '7'], {
      HEALTHLANE_DATA_DIR: dataDir,
    });
    const { code } = await run.exited;
    expect(code, run.output().stderr).toBe(0);
    const acknowledged = /(\d+) samples acknowledged/.exec(run.output().stdout);
    expect(Number(acknowledged?.[1] ?? 0)).toBeGreaterThan(0);
  }, 60_000);
});
