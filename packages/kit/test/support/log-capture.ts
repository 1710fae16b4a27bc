// Collects a logger's output lines in memory, parsed, for assertions.
import { createLogger, type Logger } from '../../src/logging/logger.ts';

export interface LogCapture {
  logger: Logger;
  /** Raw lines as written. */
  raw: string[];
  /** Every line parsed as JSON (throws if one is not). */
  lines(): Record<string, unknown>[];
}

export function captureLogs(level: 'info' | 'debug' | 'trace' = 'info'): LogCapture {
  const raw: string[] = [];
  const logger = createLogger({
    level,
    service: 'test',
    destination: { write: (chunk: string) => void raw.push(...chunk.split('\n').filter(Boolean)) },
  });
  return { logger, raw, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
