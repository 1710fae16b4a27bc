// The logging surface the bus needs; a pino logger fits it. Callers log subjects and ids, never payloads.

export interface BusLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const ignore = (): void => {};

/** Used when the caller passes no logger. */
export const silentLogger: BusLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

/** Error fields for a log line: the kind and message only, so no payload rides along on `cause`. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { error: { name: error.name, message: error.message } };
  return { error: { name: typeof error } };
}
