// Runs the appender in the background: woken after each intake, polling for work other replicas
// received, batch after batch while the inbox is full, backing off when the database fails.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';

export interface AppendWorkerOptions {
  appendBatch: () => Promise<number>;
  batchSize: number;
  pollIntervalMs: number;
  logger: Logger;
  onAppended: (count: number) => void;
  onFailure: () => void;
}

export interface AppendWorker {
  start(): void;
  /** Finishes the batch in progress, then stops. */
  stop(): Promise<void>;
  kick(): void;
}

export function createAppendWorker(options: AppendWorkerOptions): AppendWorker {
  let controller: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let kicked = false;

  const waitForWork = (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (kicked || signal.aborted) return resolve();
      const timer = setTimeout(done, options.pollIntervalMs);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        wake = undefined;
        resolve();
      }
      wake = done;
      signal.addEventListener('abort', done, { once: true });
    });

  async function run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      kicked = false;
      try {
        const appended = await options.appendBatch();
        failures = 0;
        if (appended > 0) options.onAppended(appended);
        if (appended === options.batchSize) continue;
      } catch (error) {
        failures += 1;
        options.onFailure();
        const delayMs = Math.min(250 * 2 ** (failures - 1), 30_000);
        // The error's message and code only: a SQL error never carries the event's content here.
        options.logger.warn(
          {
            err: { message: (error as Error).message, code: (error as { code?: unknown }).code },
            failures,
            delayMs,
          },
          'audit append failed; retrying',
        );
        await sleep(delayMs, undefined, { signal }).catch(() => {});
        continue;
      }
      await waitForWork(signal);
    }
  }

  return {
    start() {
      if (controller) return;
      controller = new AbortController();
      loop = run(controller.signal);
    },
    async stop() {
      controller?.abort();
      await loop;
      controller = undefined;
      loop = undefined;
    },
    kick() {
      kicked = true;
      wake?.();
    },
  };
}
