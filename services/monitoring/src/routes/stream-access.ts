// THE access check for monitoring's vital streams: device ingest (HTTP, WebSocket), live streams,
// series reads, alert acknowledgement and settings all pass through one `StreamAccessCheck` before
// anything is read or written. Vital streams are health information, so the platform's check
// (platform-stream-access.ts) makes the same decision records makes, through packages/access.
import type { FastifyRequest } from 'fastify';

export type StreamAction = 'ingest' | 'read' | 'acknowledge' | 'configure';

export interface StreamAccessRequest {
  action: StreamAction;
  /** The HTTP request or WebSocket upgrade: where the bearer token (or the verified principal) is. */
  request: FastifyRequest;
  patientId?: string;
  wardId?: string;
  deviceId?: string;
}

export interface StreamPrincipal {
  /** Who acts: the token's subject (user or client id); 'anonymous' in open mode. */
  actor: string;
  /**
   * Whether this principal may see a patient's vitals, NEWS2 and alerts. A ward stream asks it for
   * every frame, so a token only ever receives the patients it may see.
   */
  mayRead(patientId: string): boolean;
  /** When the token expires (ms since epoch): a live stream is closed then. Absent in open mode. */
  expiresAtMs?: number;
}

/** Resolves with the principal when allowed; rejects with a Problem (401, 403, 404) when not. */
export type StreamAccessCheck = (request: StreamAccessRequest) => Promise<StreamPrincipal>;

/** Open development mode (HEALTHLANE_AUTH=off, tests): everyone may do everything. */
export const openStreamAccess: StreamAccessCheck = async () => ({ actor: 'anonymous', mayRead: () => true });
