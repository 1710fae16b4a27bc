// What the client sees when an upstream cannot answer: an OperationOutcome whose status says why
// (RFC 9110): 503 not reachable right now, 504 too slow, 502 a broken or invalid answer.
// The kit's problem kinds stop at 503, so 502/504 are rendered here in the same shape.
import type { TransportError } from '@healthlane/client';
import { fhirJson, type OperationOutcome } from '@healthlane/kit';

export interface UpstreamFailure {
  status: 502 | 503 | 504;
  headers: Record<string, string>;
  body: OperationOutcome;
}

export function upstreamFailure(error: TransportError): UpstreamFailure {
  switch (error.kind) {
    case 'unavailable':
      // Typically a service restarting: a retry in a moment is reasonable.
      return failure(503, 'transient', 'The service behind this path is not reachable right now', {
        'retry-after': '1',
      });
    case 'timeout':
      return failure(504, 'timeout', 'The service behind this path did not answer in time');
    default:
      return failure(502, 'exception', 'The service behind this path failed to answer');
  }
}

function failure(
  status: UpstreamFailure['status'],
  code: 'transient' | 'timeout' | 'exception',
  diagnostics: string,
  headers: Record<string, string> = {},
): UpstreamFailure {
  return {
    status,
    headers: { 'content-type': fhirJson, ...headers },
    body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] },
  };
}
