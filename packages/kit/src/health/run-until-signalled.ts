// Ties a process's life to SIGTERM/SIGINT: the first signal starts one orderly stop under a
// deadline; later signals are noted and ignored. Exit 0 when the stop completes, 1 when it
// fails or overruns the deadline.
import type { Logger } from 'pino';

export interface RunUntilSignalledOptions {
  /** The orderly stop (e.g. Host.stop). */
  stop: () => Promise<void>;
  /** SHUTDOWN_TIMEOUT_MS: past this the process exits 1 whatever is still running. */
  timeoutMs: number;
  logger: Logger;
  signals?: readonly NodeJS.Signals[];
  /** Replaceable for tests; process.exit by default. */
  exit?: (code: number) => void;
}

export function runUntilSignalled(options: RunUntilSignalledOptions): void {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'shutdown already in progress');
      return;
    }
    stopping = true;
    const startedAt = performance.now();
    logger.info({ signal, timeoutMs: options.timeoutMs }, 'shutdown started');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: options.timeoutMs }, 'shutdown timed out; exiting with work still running');
      exit(1);
    }, options.timeoutMs);
    options.stop().then(
      () => {
        clearTimeout(deadline);
        logger.info({ durationMs: Math.round(performance.now() - startedAt) }, 'shutdown complete');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };

  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) process.on(signal, onSignal);
}
