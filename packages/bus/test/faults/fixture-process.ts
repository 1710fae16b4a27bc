// Starts a fault fixture as a real OS process and kills it with SIGKILL at the state it reports.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fault-process.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export interface FixtureProcess {
  /** Resolves when the process printed `state:<state>`; rejects if it exits or times out first. */
  reached(state: string, timeoutMs?: number): Promise<void>;
  /** SIGKILL, then waits until the process is gone. */
  kill(): Promise<void>;
}

export function startFixture(env: Record<string, string | undefined>): FixtureProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fixture], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (chunk) => {
    stdout += String(chunk);
    for (const check of waiters) check();
  });
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    // Generous: a fixture starts tsx and an embedded database, which takes tens of seconds on a
    // loaded 2-core machine. One that never gets there is killed, so it cannot hold the data directory.
    reached(state, timeoutMs = 120_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          fail(`did not reach '${state}' within ${timeoutMs} ms`);
        }, timeoutMs);
        const check = () => {
          if (stdout.split('\n').includes(`state:${state}`)) done(resolve);
        };
        const fail = (why: string) => done(() => reject(new Error(`fixture ${why}\n${stderr}`)));
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        void exited.then(() => fail(`exited with code ${child.exitCode} before '${state}'`));
        check();
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
