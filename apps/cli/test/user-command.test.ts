// `healthlane user reset-password`: usage errors exit 2; a reset against a real data folder prints a
// generated password that then signs the admin in (the platform was stopped in between).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityService } from '@healthlane/identity';
import { startHost } from '@healthlane/kit';
import { openDatabase } from '@healthlane/store';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli.ts';
import { captureConsole } from './support/capture-console.ts';

describe('healthlane user', () => {
  it('exits 2 without an action or a username', async () => {
    for (const argv of [['user'], ['user', 'reset-password'], ['user', 'delete', 'x']]) {
      const { result, err } = await captureConsole(() => run(argv, {}));
      expect(result).toBe(2);
      expect(err).toContain('reset-password');
    }
  });

  it('resets the admin password in the data folder and prints the new one once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'healthlane-user-'));
    try {
      const host = await startHost({
        services: [identityService],
        env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', HEALTHLANE_DATA_DIR: dataDir },
      });
      const before = JSON.parse(await readFile(join(dataDir, 'bootstrap.json'), 'utf8')) as {
        adminPassword: string;
      };
      await host.stop();
      const { result, out } = await captureConsole(() =>
        run(['user', 'reset-password', 'admin'], { HEALTHLANE_DATA_DIR: dataDir }),
      );
      expect(result).toBe(0);
      const password = /new password \(shown once\): (\S+)/.exec(out)?.[1];
      expect(password).toBeDefined();
      expect(password).not.toBe(before.adminPassword);
      const db = await openDatabase({ dataDir });
      try {
        const { rows } = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM identity.outbox WHERE subject = 'identity.subject.revoked'",
        );
        expect(rows[0]?.n).toBe(1);
      } finally {
        await db.close();
      }
      const unknown = await captureConsole(() =>
        run(['user', 'reset-password', 'nobody'], { HEALTHLANE_DATA_DIR: dataDir }),
      );
      expect(unknown.result).toBe(1);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
