// THE access decision for reading the audit trail (AuditEvent read/search, access reports, chain
// verification). Only privacy officers and clients holding AuditEvent scopes may read it. Until the
// platform's identity is switched on there is no principal to check, so the default policy permits
// — the same open development mode as records' `authorize`. @healthlane/access plugs in HERE (pass
// `accessPolicy` to createAuditService, or replace `auditAccess`), and nowhere else.
import type { FastifyRequest } from 'fastify';

export type AuditAccessKind = 'read' | 'search' | 'access-report' | 'verify';

export interface AuditAccessRequest {
  kind: AuditAccessKind;
  /** The patient whose trail is asked for ('Patient/<id>'), when the request names one. */
  patient?: string;
}

/** Throws Problem.unauthorized / Problem.forbidden to refuse. */
export type AuditAccessPolicy = (request: FastifyRequest, access: AuditAccessRequest) => void | Promise<void>;

export const auditAccess: AuditAccessPolicy = () => {};
