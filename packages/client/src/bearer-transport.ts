// A PeerTransport that authenticates as the platform's own client: each call carries a bearer token
// from a TokenSource; a 401 (token revoked, keys rotated, clock skew) fetches a new token and
// retries once. A caller that set its own Authorization header keeps it and is never retried.
import type { TokenSource } from './token-source.ts';
import type { PeerRequest, PeerResponse, PeerTransport } from './transport.ts';

export function withBearerToken(transport: PeerTransport, source: TokenSource): PeerTransport {
  async function send(request: PeerRequest, token: string): Promise<PeerResponse> {
    return transport.request({
      ...request,
      headers: { ...request.headers, authorization: `Bearer ${token}` },
    });
  }

  return {
    async request(request) {
      const own = Object.keys(request.headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
      if (own) return transport.request(request);
      const token = await source.token();
      const response = await send(request, token);
      if (response.status !== 401) return response;
      source.invalidate(token);
      return send(request, await source.token());
    },
  };
}
