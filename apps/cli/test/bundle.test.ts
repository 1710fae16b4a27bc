// The bundle the container runs: it builds, starts without tsx, keeps PGlite external, and
// answers usage and configuration errors like the source does.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm, rmdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from './support/spawn-cli.ts';

const run = promisify(execFile);
const cliRoot = fileURLToPath(new URL('../', import.meta.url));
// Inside apps/cli so the external packages resolve from the workspace's node_modules; .tmp is git-ignored.
const outDir = `${cliRoot}.tmp/bundle-${randomBytes(4).toString('hex')}`;
const bundle = `${outDir}/healthlane.mjs`;

beforeAll(async () => {
  await run(process.execPath, [`${cliRoot}build.mjs`, `--outfile=${bundle}`]);
}, 60_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
  await rmdir(`${cliRoot}.tmp`).catch(() => {}); // only when no other run still uses it
});

describe('dist/healthlane.mjs', () => {
  it('runs without a TypeScript loader', async () => {
    const { stdout } = await run(process.execPath, [bundle, 'services', '--json']);
    expect(JSON.parse(stdout)).toEqual([
      expect.objectContaining({ name: 'gateway' }),
      expect.objectContaining({ name: 'identity' }),
      expect.objectContaining({ name: 'records' }),
      expect.objectContaining({ name: 'monitoring' }),
      expect.objectContaining({ name: 'audit' }),
    ]);
  });

  it('imports PGlite at run time instead of inlining it', async () => {
    const text = await readFile(bundle, 'utf8');
    expect(text).toMatch(/from ["']@electric-sql\/pglite["']/);
  });

  it('exits 2 on bad configuration, naming the variables', async () => {
    const cli = spawnCli(['cluster'], { DATABASE_URL: undefined, NATS_URL: undefined }, bundle);
    const exit = await cli.exited;
    expect(exit.code).toBe(2);
    expect(cli.output().stderr).toContain('DATABASE_URL');
  });
});
