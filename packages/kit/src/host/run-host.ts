// The process entry for a host: start, then live until SIGTERM/SIGINT. Exit codes: 0 after an
// orderly stop, 1 when start or stop fails or the stop overruns SHUTDOWN_TIMEOUT_MS, 2 when the
// configuration is invalid (the message lists every problem on stderr).
import { ConfigError } from '../config/load-config.ts';
import { runUntilSignalled } from '../health/run-until-signalled.ts';
import { type Host, type HostOptions, startHost } from './start-host.ts';

/** Resolves with the started host (for what the caller runs beside it); the process exits by itself. */
export async function runHost(options: HostOptions): Promise<Host> {
  let host: Host;
  try {
    host = await startHost(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    // startHost has logged it as JSON too; stderr gets a line for whoever watches the terminal.
    process.stderr.write(
      `healthlane: start failed: ${error instanceof Error ? error.message : typeof error}\n`,
    );
    process.exit(1);
  }
  const { logger } = host;
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled rejection');
    process.exit(1);
  });
  runUntilSignalled({ stop: host.stop, timeoutMs: host.config.SHUTDOWN_TIMEOUT_MS, logger });
  return host;
}
