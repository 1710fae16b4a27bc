// Starts a server under test as its own process (the load generator must not share its event
// loop), waits for it to answer, samples its memory, and stops it.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface ChildServer {
  url: string;
  pid: number;
  rssMiB(): Promise<number>;
  stop(): Promise<void>;
}

export async function startChildServer(options: {
  args: string[];
  env?: Record<string, string>;
  readyUrl: string;
  url: string;
  timeoutMs?: number;
}): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, options.args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(options.readyUrl);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('server did not become ready in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid ?? 0;
  return {
    url: options.url,
    pid,
    async rssMiB() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return Math.round(kib / 1024);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
      }),
  };
}
