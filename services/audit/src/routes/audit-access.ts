// THE access decision for reading the audit trail (AuditEvent read/search, access reports, chain
// state and verification): privacy officers, and clients holding AuditEvent scopes; a patient may
// read the access report of their own record. With HEALTHLANE_AUTH=off (development, tests hosting
// the service alone) there is no principal and the trail is open, as records is.
import { type Principal, principalOf, roleAllows, scopesAllow } from '@healthlane/access';
import { Problem } from '@healthlane/kit';
import type { FastifyRequest } from 'fastify';

export type AuditAccessKind = 'read' | 'search' | 'access-report' | 'verify';

export interface AuditAccessRequest {
  kind: AuditAccessKind;
  /** The patient whose trail is asked for ('Patient/<id>'), when the request names one. */
  patient?: string;
}

/** Throws Problem.unauthorized / Problem.forbidden to refuse. */
export type AuditAccessPolicy = (request: FastifyRequest, access: AuditAccessRequest) => void | Promise<void>;

/** Open: the development mode without identity. */
export const auditAccess: AuditAccessPolicy = () => {};

/** Whether `principal` may do `access` (pure: the whole rule in one place). */
export function mayReadAudit(principal: Principal, access: AuditAccessRequest): boolean {
  const permission = access.kind === 'search' || access.kind === 'access-report' ? 's' : 'r';
  if (principal.kind === 'system') return scopesAllow(principal.scopes, 'system', 'AuditEvent', permission);
  const byRole =
    principal.roles.some((role) => roleAllows(role, 'AuditEvent', permission)) &&
    scopesAllow(principal.scopes, 'user', 'AuditEvent', permission);
  if (byRole) return true;
  // "Who accessed my record": a patient, for their own record only.
  return (
    access.kind === 'access-report' &&
    principal.roles.includes('patient') &&
    principal.patient !== undefined &&
    access.patient === `Patient/${principal.patient}` &&
    scopesAllow(principal.scopes, 'patient', 'AuditEvent', 's')
  );
}

/** The platform policy: the request's verified principal must pass `mayReadAudit`. */
export const platformAuditAccess: AuditAccessPolicy = (request, access) => {
  const principal = principalOf(request);
  if (principal === undefined) throw Problem.unauthorized('An access token is required');
  if (!mayReadAudit(principal, access)) {
    throw Problem.forbidden('Reading the audit trail needs the privacy officer role or AuditEvent scopes');
  }
};
