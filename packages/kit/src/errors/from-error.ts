// Turns anything thrown into a Problem the client may see. Only a Problem's own message reaches
// the client; other errors get a generic sentence for their kind, because their text (driver
// messages, parser snippets) can carry identifiers or clinical values.
import { Problem, type ProblemKind, problemKindForStatus } from './problem.ts';

const genericMessage: Record<ProblemKind, string> = {
  invalid: 'The request is invalid',
  unauthorized: 'Authentication is required',
  forbidden: 'The request is not allowed',
  'not-found': 'The resource was not found',
  'method-not-allowed': 'The method is not allowed on this resource',
  'not-acceptable': 'None of the accepted response formats is available',
  conflict: 'The request conflicts with the current state of the resource',
  gone: 'The resource is gone',
  'precondition-failed': 'A precondition of the request failed',
  'payload-too-large': 'The request body is larger than the server accepts',
  'unsupported-media-type': 'The request content type is not supported',
  unprocessable: 'The request could not be processed',
  'too-many': 'Too many requests',
  internal: 'An internal error occurred',
  'bad-gateway': 'A service behind the gateway failed to answer',
  'gateway-timeout': 'A service behind the gateway did not answer in time',
  unavailable: 'The service is temporarily unavailable',
};

/** Framework error codes whose meaning deserves a more specific (still generic) sentence. */
const messageByCode: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty',
};

export interface ClassifiedError {
  problem: Problem;
  /** True when the error was not an expected failure: log it with its stack. */
  unexpected: boolean;
}

interface ErrorLike {
  statusCode?: unknown;
  code?: unknown;
  validation?: unknown;
  message?: unknown;
}

export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof Problem) return { problem: error, unexpected: error.status >= 500 };
  const like = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const status = typeof like.statusCode === 'number' ? like.statusCode : 500;
  if (status < 400 || status >= 500) {
    return { problem: Problem.internal(genericMessage.internal, { cause: error }), unexpected: true };
  }
  const kind = problemKindForStatus(status);
  // Schema validation messages name the failing element and rule, never the value.
  const message =
    Array.isArray(like.validation) && typeof like.message === 'string'
      ? like.message
      : ((typeof like.code === 'string' ? messageByCode[like.code] : undefined) ?? genericMessage[kind]);
  return { problem: new Problem(kind, message, { cause: error }), unexpected: false };
}

export function genericProblemMessage(kind: ProblemKind): string {
  return genericMessage[kind];
}
