// What the client sees when an upstream cannot answer (RFC 9110): 503 not reachable right now,
// 504 too slow, 502 a broken or invalid answer — as kit Problems, rendered by the one error model.
import type { TransportError } from '@healthlane/client';
import { Problem } from '@healthlane/kit';

export function upstreamFailure(error: TransportError): Problem {
  switch (error.kind) {
    case 'unavailable':
      // Typically a service restarting: a retry in a moment is reasonable.
      return Problem.unavailable('The service behind this path is not reachable right now', {
        headers: { 'retry-after': '1' },
      });
    case 'timeout':
      return Problem.gatewayTimeout('The service behind this path did not answer in time');
    default:
      return Problem.badGateway('The service behind this path failed to answer');
  }
}
