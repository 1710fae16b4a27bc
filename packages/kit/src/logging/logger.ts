// JSON logs, one line per event: ISO `time`, `level` as a label, `service`, and the active
// trace's `traceId`/`spanId`; request loggers add `reqId`. Redaction runs on every line.
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from '../config/env-types.ts';
import { redacted, redactPaths, scrub } from './redaction.ts';
import { serializeErrorField, serializeRequest, serializeResponse } from './serializers.ts';

export type { Logger };

export interface LoggerOptions {
  level: LogLevel;
  /** The process's service name ('healthlane' all-in-one, or the one service it hosts). */
  service: string;
  /** Where lines go; standard output (synchronously) by default. Tests pass a stream. */
  destination?: DestinationStream;
}

/** Adds the ids of the span active where the line is logged, so logs join traces. */
function traceIds(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const context = span.spanContext();
  return isSpanContextValid(context) ? { traceId: context.traceId, spanId: context.spanId } : {};
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: traceIds,
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => scrub(bindings),
        log: (object) => scrub(object),
      },
      redact: { paths: redactPaths, censor: redacted },
      serializers: {
        err: serializeErrorField,
        error: serializeErrorField,
        req: serializeRequest,
        res: serializeResponse,
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
