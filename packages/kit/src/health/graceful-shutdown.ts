// The orderly stop of a process: turn unready, give load balancers time to notice, stop
// accepting and let in-flight requests finish, then stop what the requests depended on.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Health } from './health.ts';

export interface ShutdownStep {
  /** Shown in the log when the step fails, e.g. 'service records', 'bus', 'database'. */
  name: string;
  run(): Promise<void>;
}

export interface GracefulShutdownOptions {
  health: Health;
  app: FastifyInstance;
  logger: Logger;
  /** Time between turning unready and closing the listener (DRAIN_DELAY_MS). */
  drainDelayMs: number;
  /** Run in order after the HTTP server has drained: workers, bus, database, tracing. */
  steps: ShutdownStep[];
}

/**
 * Runs every step even when one fails, then rejects with an AggregateError naming what failed.
 * Has no time limit of its own: the caller (runUntilSignalled) enforces SHUTDOWN_TIMEOUT_MS.
 */
export async function shutDownGracefully(options: GracefulShutdownOptions): Promise<void> {
  const { health, app, logger } = options;
  health.setDraining();
  if (options.drainDelayMs > 0) {
    logger.info({ drainDelayMs: options.drainDelayMs }, 'draining: readiness reports 503');
    await sleep(options.drainDelayMs);
  }
  const failures: unknown[] = [];
  const steps: ShutdownStep[] = [{ name: 'http server', run: () => app.close() }, ...options.steps];
  for (const step of steps) {
    try {
      await step.run();
    } catch (error) {
      logger.error({ step: step.name, err: error }, 'shutdown step failed');
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} shutdown step(s) failed`);
}
