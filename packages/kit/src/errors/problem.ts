// The one error model: a small set of problem kinds, each mapped here (and only here) to an HTTP
// status and a FHIR OperationOutcome. Throw a Problem anywhere; the HTTP layer renders it.

/** Problem kind → HTTP status. The single source of truth for the mapping. */
export const problemStatus = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  'not-acceptable': 406,
  conflict: 409,
  gone: 410,
  'precondition-failed': 412,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  unprocessable: 422,
  'too-many': 429,
  internal: 500,
  'bad-gateway': 502,
  unavailable: 503,
  'gateway-timeout': 504,
} as const;

export type ProblemKind = keyof typeof problemStatus;

/** FHIR R4 IssueSeverity. */
export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

/** FHIR R4 IssueType (http://hl7.org/fhir/issue-type). */
export type IssueType =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'invariant'
  | 'security'
  | 'login'
  | 'unknown'
  | 'expired'
  | 'forbidden'
  | 'suppressed'
  | 'processing'
  | 'not-supported'
  | 'duplicate'
  | 'multiple-matches'
  | 'not-found'
  | 'deleted'
  | 'too-long'
  | 'code-invalid'
  | 'extension'
  | 'too-costly'
  | 'business-rule'
  | 'conflict'
  | 'transient'
  | 'lock-error'
  | 'no-store'
  | 'exception'
  | 'timeout'
  | 'incomplete'
  | 'throttled'
  | 'informational';

/** One OperationOutcome issue. `diagnostics` is shown to the client: no identifiers, no values. */
export interface Issue {
  severity: IssueSeverity;
  code: IssueType;
  diagnostics: string;
  /** FHIRPath expressions of the elements concerned, e.g. ['Patient.birthDate']. */
  expression?: string[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: Issue[];
}

/** The issue type used when a Problem carries no issues of its own. */
const defaultIssueType: Record<ProblemKind, IssueType> = {
  invalid: 'invalid',
  unauthorized: 'login',
  forbidden: 'forbidden',
  'not-found': 'not-found',
  'method-not-allowed': 'not-supported',
  'not-acceptable': 'not-supported',
  conflict: 'conflict',
  gone: 'deleted',
  'precondition-failed': 'conflict',
  'payload-too-large': 'too-long',
  'unsupported-media-type': 'not-supported',
  unprocessable: 'processing',
  'too-many': 'throttled',
  internal: 'exception',
  'bad-gateway': 'exception',
  unavailable: 'transient',
  'gateway-timeout': 'timeout',
};

const kindByStatus = new Map<number, ProblemKind>(
  Object.entries(problemStatus).map(([kind, status]) => [status, kind as ProblemKind]),
);

/** The kind for an HTTP status; other 4xx become `invalid`, other 5xx `internal`. */
export function problemKindForStatus(status: number): ProblemKind {
  return kindByStatus.get(status) ?? (status >= 400 && status < 500 ? 'invalid' : 'internal');
}

export interface ProblemOptions {
  /** Issues to report instead of the single default one built from the message. */
  issues?: Issue[];
  /** Response headers that belong to the problem: Retry-After, WWW-Authenticate, Allow, ... */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * An expected failure with a kind the client can act on. The message becomes the
 * OperationOutcome's diagnostics, so it must read well to a client and never contain
 * identifiers, secrets or clinical values.
 */
export class Problem extends Error {
  readonly kind: ProblemKind;
  readonly issues: readonly Issue[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(kind: ProblemKind, message: string, options: ProblemOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'Problem';
    this.kind = kind;
    this.issues = options.issues ?? [];
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return problemStatus[this.kind];
  }

  static invalid(message: string, options?: ProblemOptions): Problem {
    return new Problem('invalid', message, options);
  }
  static unauthorized(message: string, options?: ProblemOptions): Problem {
    return new Problem('unauthorized', message, options);
  }
  static forbidden(message: string, options?: ProblemOptions): Problem {
    return new Problem('forbidden', message, options);
  }
  static notFound(message: string, options?: ProblemOptions): Problem {
    return new Problem('not-found', message, options);
  }
  static methodNotAllowed(message: string, options?: ProblemOptions): Problem {
    return new Problem('method-not-allowed', message, options);
  }
  static notAcceptable(message: string, options?: ProblemOptions): Problem {
    return new Problem('not-acceptable', message, options);
  }
  static conflict(message: string, options?: ProblemOptions): Problem {
    return new Problem('conflict', message, options);
  }
  static gone(message: string, options?: ProblemOptions): Problem {
    return new Problem('gone', message, options);
  }
  static preconditionFailed(message: string, options?: ProblemOptions): Problem {
    return new Problem('precondition-failed', message, options);
  }
  static payloadTooLarge(message: string, options?: ProblemOptions): Problem {
    return new Problem('payload-too-large', message, options);
  }
  static unsupportedMediaType(message: string, options?: ProblemOptions): Problem {
    return new Problem('unsupported-media-type', message, options);
  }
  static unprocessable(message: string, options?: ProblemOptions): Problem {
    return new Problem('unprocessable', message, options);
  }
  static tooMany(message: string, options?: ProblemOptions): Problem {
    return new Problem('too-many', message, options);
  }
  static internal(message: string, options?: ProblemOptions): Problem {
    return new Problem('internal', message, options);
  }
  static badGateway(message: string, options?: ProblemOptions): Problem {
    return new Problem('bad-gateway', message, options);
  }
  static unavailable(message: string, options?: ProblemOptions): Problem {
    return new Problem('unavailable', message, options);
  }
  static gatewayTimeout(message: string, options?: ProblemOptions): Problem {
    return new Problem('gateway-timeout', message, options);
  }
}

export function isProblem(error: unknown): error is Problem {
  return error instanceof Problem;
}

/** Renders a Problem as the OperationOutcome body of its response. */
export function toOperationOutcome(problem: Problem): OperationOutcome {
  const issue: Issue[] =
    problem.issues.length > 0
      ? problem.issues.map((one) => ({ ...one }))
      : [{ severity: 'error', code: defaultIssueType[problem.kind], diagnostics: problem.message }];
  return { resourceType: 'OperationOutcome', issue };
}
