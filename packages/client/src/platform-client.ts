// The typed face of the platform's HTTP API over any PeerTransport. Today it knows the health and
// metrics endpoints every process serves; FHIR and monitoring methods join as those services land.
import type { PeerRequest, PeerResponse, PeerTransport } from './transport.ts';

/** A health endpoint's answer: 503 from /readyz is a normal answer (draining, dependency down), not an error. */
export interface HealthReport {
  ok: boolean;
  status: number;
  /** The JSON body when there is one, otherwise the text. */
  body: unknown;
}

export interface PlatformClient {
  readonly transport: PeerTransport;
  /** GET /livez: is the process alive? */
  livez(): Promise<HealthReport>;
  /** GET /readyz: are its dependencies reachable and is it taking traffic? */
  readyz(): Promise<HealthReport>;
  /** GET /metrics in Prometheus text format. */
  metrics(): Promise<string>;
  /** Any call by path, for endpoints without a typed method yet. */
  request(request: PeerRequest): Promise<PeerResponse>;
}

const decoder = new TextDecoder();

export function createPlatformClient(transport: PeerTransport): PlatformClient {
  async function health(path: string): Promise<HealthReport> {
    const response = await transport.request({
      method: 'GET',
      path,
      headers: { accept: 'application/json' },
    });
    return { ok: response.status === 200, status: response.status, body: parseBody(response) };
  }

  return {
    transport,
    livez: () => health('/livez'),
    readyz: () => health('/readyz'),
    async metrics() {
      const response = await transport.request({ method: 'GET', path: '/metrics' });
      if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
      return decoder.decode(response.body);
    },
    request: (request) => transport.request(request),
  };
}

function parseBody(response: PeerResponse): unknown {
  const text = decoder.decode(response.body);
  const type = response.headers['content-type'] ?? '';
  if (type.includes('json') && text.length > 0) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
