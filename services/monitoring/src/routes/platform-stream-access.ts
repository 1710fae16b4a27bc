// The platform's stream access check: the request's bearer token is verified (or the principal the
// gateway already verified is reused), then @healthlane/access decides — SMART scopes × role ×
// patient compartment × break-glass, deny by default — exactly as records does for the same data:
// vitals are Observations, alerts are Flags, the monitoring settings a patient's CarePlan.
//   read <patient>      Observation and Flag read, the patient within the token's reach
//   read <ward>         Observation and Flag read for the type; then each frame per patient (mayRead)
//   ingest              Observation create naming no patient: system clients with the scope, or
//                       users whose role reaches all patients (integration) — a device's samples
//                       are not limited to a care team
//   acknowledge         Flag update, the alert's patient within reach
//   configure <patient> CarePlan update, the patient within reach
import {
  authenticateRequest,
  type Decision,
  decideResource,
  decideType,
  type Permission,
  type Principal,
  principalOf,
  type TokenVerifier,
} from '@healthlane/access';
import { type Clock, Problem } from '@healthlane/kit';
import type { FastifyRequest } from 'fastify';
import {
  openStreamAccess,
  type StreamAccessCheck,
  type StreamAccessRequest,
  type StreamPrincipal,
} from './stream-access.ts';

export interface PlatformStreamAccessOptions {
  /** HEALTHLANE_AUTH: when off, a request without a token is served in open mode. */
  enabled: boolean;
  /** Verifies bearer tokens when no earlier hook (the all-in-one gateway's) did; undefined when off. */
  verifier: TokenVerifier | undefined;
  clock: Clock;
}

/** What the decision looks at: a resource of the type about the patient (its compartment). */
const about = (type: string, patientId: string) => ({
  resourceType: type,
  subject: { reference: `Patient/${patientId}` },
});

function refuse(decision: Extract<Decision, { allowed: false }>, hidden: string): Problem {
  if (decision.hide) return Problem.notFound(hidden);
  return Problem.forbidden(
    decision.reason === 'compartment'
      ? 'The patient is outside those this token may reach'
      : 'The token does not allow this',
  );
}

/**
 * A browser cannot set headers on a WebSocket, so an upgrade (and only that) may carry its bearer
 * token as the RFC 6750 `access_token` query parameter (as the gateway accepts it).
 */
function liftWebSocketToken(request: FastifyRequest): void {
  if (request.headers.authorization || request.headers.upgrade?.toLowerCase() !== 'websocket') return;
  const token = new URLSearchParams(request.url.split('?')[1] ?? '').get('access_token');
  if (token) request.headers.authorization = `Bearer ${token}`;
}

export function createPlatformStreamAccess(options: PlatformStreamAccessOptions): StreamAccessCheck {
  const { clock } = options;

  async function principalFor(request: FastifyRequest): Promise<Principal | undefined> {
    const known = principalOf(request);
    if (known !== undefined || options.verifier === undefined) return known;
    liftWebSocketToken(request);
    return authenticateRequest(request, options.verifier);
  }

  function decide(principal: Principal, type: string, permission: Permission, patientId: string): Decision {
    return decideResource(principal, { type, permission, resource: about(type, patientId) }, clock.now());
  }

  function streamPrincipal(principal: Principal): StreamPrincipal {
    return {
      actor: principal.subject,
      mayRead: (patientId) =>
        decide(principal, 'Observation', 'r', patientId).allowed &&
        decide(principal, 'Flag', 'r', patientId).allowed,
      expiresAtMs: principal.expiresAt.getTime(),
    };
  }

  return async (access: StreamAccessRequest) => {
    const principal = await principalFor(access.request);
    if (principal === undefined) {
      if (!options.enabled) return openStreamAccess(access);
      throw Problem.unauthorized('An access token is required', {
        headers: { 'www-authenticate': 'Bearer realm="healthlane"' },
      });
    }
    const checks: Array<[string, Permission]> = [];
    let hidden = 'Not found';
    switch (access.action) {
      case 'read':
        checks.push(['Observation', 'r'], ['Flag', 'r']);
        hidden = 'No monitoring data for this patient';
        break;
      case 'acknowledge':
        checks.push(['Flag', 'u']);
        hidden = 'no open alert with this id';
        break;
      case 'configure':
        checks.push(['CarePlan', 'u']);
        break;
      case 'ingest': {
        const decision = decideResource(
          principal,
          { type: 'Observation', permission: 'c', resource: { resourceType: 'Observation' } },
          clock.now(),
        );
        if (!decision.allowed) throw refuse(decision, hidden);
        return streamPrincipal(principal);
      }
    }
    for (const [type, permission] of checks) {
      const decision =
        access.patientId === undefined
          ? decideType(principal, type, permission)
          : decide(principal, type, permission, access.patientId);
      if (!decision.allowed) throw refuse(decision, hidden);
    }
    // Only a ward stream may name no patient; every other action is decided on one.
    if (access.patientId === undefined && !(access.action === 'read' && access.wardId !== undefined)) {
      throw access.action === 'acknowledge'
        ? Problem.notFound(hidden)
        : Problem.forbidden('The token does not allow this');
    }
    return streamPrincipal(principal);
  };
}
