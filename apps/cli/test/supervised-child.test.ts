// The supervisor's handling of one child, with tiny node scripts standing in for services.
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildEvents, type ChildSpec, SupervisedChild } from '../src/cluster/supervised-child.ts';

const fast = { initialMs: 20, maxMs: 100, resetAfterMs: 60_000 };
const children: SupervisedChild[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.stop(2_000)));
});

function spec(script: string): ChildSpec {
  return { name: 'fixture', command: process.execPath, args: ['-e', script], env: {} };
}

function recorder() {
  const log: string[] = [];
  const exits: Array<{ code: number | null; signal: string | null; restartInMs?: number }> = [];
  const events: ChildEvents = {
    started: () => log.push('started'),
    exited: (_name, exit) => {
      log.push('exited');
      exits.push(exit);
    },
    fatal: () => log.push('fatal'),
  };
  return { log, exits, events };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SupervisedChild', () => {
  it('restarts a child that dies, with growing delays', async () => {
    const { log, exits, events } = recorder();
    const child = new SupervisedChild(spec('process.exit(1)'), events, fast);
    children.push(child);
    child.start();
    await until(() => exits.length >= 3);
    expect(exits.slice(0, 3).map((exit) => [exit.code, exit.restartInMs])).toEqual([
      [1, 20],
      [1, 40],
      [1, 80],
    ]);
    expect(log.slice(0, 4)).toEqual(['started', 'exited', 'started', 'exited']);
  });

  it('restarts a child killed by a signal, with a new pid', async () => {
    const { exits, events } = recorder();
    const child = new SupervisedChild(spec('setInterval(() => {}, 1000)'), events, fast);
    children.push(child);
    child.start();
    const firstPid = child.pid;
    process.kill(firstPid!, 'SIGKILL');
    await until(() => child.pid !== firstPid && child.pid !== undefined);
    expect(exits[0]).toMatchObject({ code: null, signal: 'SIGKILL' });
  });

  it('does not restart a child that rejected its configuration (exit 2)', async () => {
    const { log, events } = recorder();
    const child = new SupervisedChild(spec('process.exit(2)'), events, fast);
    children.push(child);
    child.start();
    await until(() => log.includes('fatal'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(log).toEqual(['started', 'exited', 'fatal']);
  });

  it('stops with SIGTERM and does not restart', async () => {
    const { log, events } = recorder();
    const child = new SupervisedChild(
      spec("process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000)"),
      events,
      fast,
    );
    child.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await child.stop(2_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(log).toEqual(['started']);
  });

  it('kills a child that ignores SIGTERM once the stop deadline passes', async () => {
    const { events } = recorder();
    const child = new SupervisedChild(
      spec("process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"),
      events,
      fast,
    );
    child.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await child.stop(300);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
