// THE access check for monitoring's vital streams: device ingest (HTTP, WebSocket), live streams,
// series reads, alert acknowledgement and settings all pass through one `StreamAccessCheck` before
// anything is read or written. Vital streams are health information, so the identity issue plugs
// the platform's access policy (packages/access: token → principal, SMART scopes × roles × patient
// compartment, audit) in HERE — the same decision records makes. Today, like records' `authorize`,
// it permits everything: the platform's open development mode has no identity yet.

export type StreamAction = 'ingest' | 'read' | 'acknowledge' | 'configure';

export interface StreamAccessRequest {
  action: StreamAction;
  /** Request headers (lower-case names): where a bearer token or device credential arrives. */
  headers: Record<string, string | string[] | undefined>;
  patientId?: string;
  wardId?: string;
  deviceId?: string;
}

export interface StreamPrincipal {
  /** Who acts, as a FHIR reference where known ('Practitioner/…', 'Device/…'); 'anonymous' in open mode. */
  actor: string;
}

/** Resolves with the principal when allowed; rejects with Problem.unauthorized / Problem.forbidden when not. */
export type StreamAccessCheck = (request: StreamAccessRequest) => Promise<StreamPrincipal>;

export const openStreamAccess: StreamAccessCheck = async () => ({ actor: 'anonymous' });
