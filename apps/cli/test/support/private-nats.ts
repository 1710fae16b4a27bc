// A NATS server of the test's own (JetStream, file storage in a temporary folder, a spare loopback
// port), so a fault test can stop and restart it without touching the machine's shared server.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './spawn-cli.ts';

export interface PrivateNats {
  url: string;
  port: number;
  /** Stops the server (SIGTERM: JetStream flushes its files) and starts it again on the same port and folder. */
  restart(outageMs?: number): Promise<{ downMs: number }>;
  /** Stops the server and removes its folder. Idempotent. */
  stop(): Promise<void>;
}

const binary = process.env.HEALTHLANE_TEST_NATS_SERVER ?? 'nats-server';

export async function startPrivateNats(): Promise<PrivateNats> {
  const dir = await mkdtemp(join(tmpdir(), 'hl-private-nats-'));
  const port = await freePort();
  let server: ChildProcess | undefined = await launch(port, dir);
  let stopping: Promise<void> | undefined;

  const halt = async (current: ChildProcess) => {
    if (current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('close', resolve));
    current.kill('SIGTERM');
    const killer = setTimeout(() => current.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };

  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    async restart(outageMs = 1_000) {
      const began = Date.now();
      if (server) await halt(server);
      server = undefined;
      await new Promise((resolve) => setTimeout(resolve, outageMs));
      server = await launch(port, dir);
      return { downMs: Date.now() - began };
    },
    stop() {
      stopping ??= (async () => {
        if (server) await halt(server);
        server = undefined;
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

async function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nats-server exited ${child.exitCode}: ${stderr}`);
    if (await accepts(port)) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`nats-server did not listen on ${port} within 15 s: ${stderr}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
