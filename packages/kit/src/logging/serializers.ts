// Serializers decide which fields of well-known objects may reach a log line: an error keeps its
// type, code, message and stack (not driver extras such as query parameters or row detail); a
// request keeps its method only; a response its status.
import { Problem } from '../errors/problem.ts';

export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: string;
  kind?: string;
  cause?: SerializedError;
  errors?: SerializedError[];
}

/** For the log's `err`/`error` keys: Errors are reduced to safe fields, anything else passes through. */
export function serializeErrorField(value: unknown): unknown {
  return value instanceof Error ? serializeError(value) : value;
}

export function serializeError(error: unknown, depth = 0): SerializedError {
  // A thrown non-Error could be any data at all: name its type only.
  if (!(error instanceof Error)) return { type: typeof error, message: 'non-error value thrown' };
  const result: SerializedError = { type: error.constructor?.name ?? error.name, message: error.message };
  if (error.stack !== undefined) result.stack = error.stack;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') result.code = String(code);
  if (error instanceof Problem) result.kind = error.kind;
  if (depth < 3 && error.cause !== undefined) result.cause = serializeError(error.cause, depth + 1);
  if (depth < 3 && error instanceof AggregateError) {
    result.errors = error.errors.slice(0, 10).map((one: unknown) => serializeError(one, depth + 1));
  }
  return result;
}

export function serializeRequest(request: unknown): { method?: string } {
  const method = (request as { method?: unknown } | null)?.method;
  return typeof method === 'string' ? { method } : {};
}

export function serializeResponse(response: unknown): { statusCode?: number } {
  const statusCode = (response as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? { statusCode } : {};
}
