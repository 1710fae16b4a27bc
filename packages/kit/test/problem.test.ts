import { describe, expect, it } from 'vitest';
import { classifyError } from '../src/errors/from-error.ts';
import {
  Problem,
  type ProblemKind,
  problemKindForStatus,
  problemStatus,
  toOperationOutcome,
} from '../src/errors/problem.ts';

describe('problem kinds', () => {
  it('map to HTTP statuses in one table', () => {
    expect(problemStatus).toEqual({
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
    });
  });

  it('have a factory per kind that sets kind, status and message', () => {
    const factories: [ProblemKind, (message: string) => Problem][] = [
      ['invalid', Problem.invalid],
      ['unauthorized', Problem.unauthorized],
      ['forbidden', Problem.forbidden],
      ['not-found', Problem.notFound],
      ['method-not-allowed', Problem.methodNotAllowed],
      ['not-acceptable', Problem.notAcceptable],
      ['conflict', Problem.conflict],
      ['gone', Problem.gone],
      ['precondition-failed', Problem.preconditionFailed],
      ['payload-too-large', Problem.payloadTooLarge],
      ['unsupported-media-type', Problem.unsupportedMediaType],
      ['unprocessable', Problem.unprocessable],
      ['too-many', Problem.tooMany],
      ['internal', Problem.internal],
      ['bad-gateway', Problem.badGateway],
      ['unavailable', Problem.unavailable],
      ['gateway-timeout', Problem.gatewayTimeout],
    ];
    expect(factories.map(([kind]) => kind).sort()).toEqual(Object.keys(problemStatus).sort());
    for (const [kind, make] of factories) {
      const problem = make('it went wrong');
      expect(problem).toBeInstanceOf(Error);
      expect(problem.kind).toBe(kind);
      expect(problem.status).toBe(problemStatus[kind]);
      expect(problem.message).toBe('it went wrong');
      expect(problemKindForStatus(problem.status)).toBe(kind);
    }
  });

  it('fall back to invalid/internal for statuses without a kind', () => {
    expect(problemKindForStatus(408)).toBe('invalid');
    expect(problemKindForStatus(501)).toBe('internal');
  });
});

describe('toOperationOutcome', () => {
  it('builds one issue from the message with the kind’s issue type', () => {
    expect(toOperationOutcome(Problem.notFound('Patient not found'))).toEqual({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-found', diagnostics: 'Patient not found' }],
    });
    expect(toOperationOutcome(Problem.tooMany('Slow down')).issue[0]?.code).toBe('throttled');
    expect(toOperationOutcome(Problem.gone('Deleted')).issue[0]?.code).toBe('deleted');
    expect(toOperationOutcome(Problem.unavailable('Later')).issue[0]?.code).toBe('transient');
  });

  it('uses the problem’s own issues with their expressions when given', () => {
    const problem = Problem.unprocessable('Resource is invalid', {
      issues: [
        {
          severity: 'error',
          code: 'required',
          diagnostics: 'Missing status',
          expression: ['Observation.status'],
        },
        { severity: 'warning', code: 'value', diagnostics: 'Unknown unit' },
      ],
    });
    expect(toOperationOutcome(problem)).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'required',
          diagnostics: 'Missing status',
          expression: ['Observation.status'],
        },
        { severity: 'warning', code: 'value', diagnostics: 'Unknown unit' },
      ],
    });
  });
});

describe('classifyError', () => {
  it('keeps a Problem as it is', () => {
    const problem = Problem.conflict('Version conflict');
    expect(classifyError(problem)).toEqual({ problem, unexpected: false });
    expect(classifyError(Problem.unavailable('Down')).unexpected).toBe(true);
  });

  it('turns an unknown error into a generic internal problem without its text', () => {
    const { problem, unexpected } = classifyError(new Error('duplicate key (ssn)=(123-45-6789)'));
    expect(unexpected).toBe(true);
    expect(problem.kind).toBe('internal');
    expect(problem.message).toBe('An internal error occurred');
    expect(JSON.stringify(toOperationOutcome(problem))).not.toContain('6789');
  });

  it('maps client errors with a status to their kind with a generic message', () => {
    const tooLarge = Object.assign(new Error('raw detail 42'), {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
    expect(classifyError(tooLarge).problem.kind).toBe('payload-too-large');
    expect(classifyError(tooLarge).problem.message).not.toContain('42');
    const badJson = Object.assign(new Error('Unexpected token "secret"'), {
      statusCode: 400,
      code: 'FST_ERR_CTP_INVALID_JSON_BODY',
    });
    expect(classifyError(badJson).problem.message).toBe('The request body is not valid JSON');
    expect(classifyError('a thrown string').problem.kind).toBe('internal');
  });
});
