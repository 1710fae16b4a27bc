// Keeps a PGlite data directory to one open instance: PGlite has no such guard, and two instances
// (say `healthlane start` and `healthlane import` on the same folder) would corrupt each other's files.
import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { SqlError } from './sql-error.ts';

export interface DataDirLock {
  release(): Promise<void>;
}

/** SQLSTATE object_in_use: PostgreSQL's own "database is being accessed by other users". */
const OBJECT_IN_USE = '55006';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function holderOf(lockPath: string): Promise<number | undefined> {
  const text = await readFile(lockPath, 'utf8').catch(() => '');
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Takes `lockPath` for this process, or fails with SqlError 55006 while a live process holds it.
 * A lock left by a killed process is taken over.
 */
export async function lockDataDir(lockPath: string): Promise<DataDirLock> {
  // The pid is written before the lock appears (link is atomic), so no reader sees an empty lock.
  const draft = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(draft, String(process.pid));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(draft, lockPath);
        let released = false;
        return {
          release: async () => {
            if (released) return;
            released = true;
            await unlink(lockPath).catch(() => undefined);
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = await holderOf(lockPath);
        if (holder !== undefined && isAlive(holder)) {
          throw new SqlError(
            OBJECT_IN_USE,
            `the embedded database is already open in process ${holder} (lock ${lockPath}); ` +
              'stop that process first, or delete the lock file if that process is not HealthLane',
          );
        }
        await unlink(lockPath).catch(() => undefined);
      }
    }
    throw new SqlError(OBJECT_IN_USE, `could not take the embedded database lock ${lockPath}`);
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}
