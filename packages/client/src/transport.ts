// The transport port: how a caller reaches the platform's services. The service kit re-exports it
// as the peers port of every service; client depends on nothing of the platform's own.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

/** A request by path relative to the platform root, e.g. '/fhir/R4/metadata'. */
export interface PeerRequest {
  method: HttpMethod;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface PeerResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** How the client reaches the platform: in-process (kit) or HTTP (createHttpTransport). */
export interface PeerTransport {
  request(request: PeerRequest): Promise<PeerResponse>;
}
