// The client_credentials token cache and the bearer transport: one token shared until 80% of its
// life, refreshed after that, fetched again once on a 401, errors that never carry the secret.
import { describe, expect, it } from 'vitest';
import {
  createTokenSource,
  type PeerRequest,
  type PeerResponse,
  type PeerTransport,
  refreshAt,
  TokenRequestError,
  withBearerToken,
} from '../src/index.ts';

const encoder = new TextEncoder();
const json = (status: number, body: unknown): PeerResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: encoder.encode(JSON.stringify(body)),
});

/** A token endpoint that issues tok-1, tok-2, ... and records what it was sent. */
function tokenEndpoint(expiresIn = 300) {
  const seen: PeerRequest[] = [];
  let issued = 0;
  const transport: PeerTransport = {
    async request(request) {
      seen.push(request);
      issued += 1;
      return json(200, { access_token: `tok-${issued}`, token_type: 'Bearer', expires_in: expiresIn });
    },
  };
  return { transport, seen, issued: () => issued };
}

const credentials = { clientId: 'svc', clientSecret: 's3cret/+=', scope: 'system/*.cruds' };

describe('createTokenSource', () => {
  it('asks with client_secret_basic and the scope, then reuses the token until 80% of its life', async () => {
    let now = 1_000_000;
    const endpoint = tokenEndpoint(300);
    const source = createTokenSource({
      credentials,
      transport: endpoint.transport,
      tokenPath: '/auth/token',
      now: () => now,
    });
    expect(await source.token()).toBe('tok-1');
    const sent = endpoint.seen[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/auth/token');
    expect(sent.headers?.authorization).toBe(
      `Basic ${Buffer.from(`svc:${encodeURIComponent('s3cret/+=')}`).toString('base64')}`,
    );
    expect(new URLSearchParams(String(sent.body)).get('grant_type')).toBe('client_credentials');
    expect(new URLSearchParams(String(sent.body)).get('scope')).toBe('system/*.cruds');
    now += 239_000;
    expect(await source.token()).toBe('tok-1');
    now += 1_000;
    expect(await source.token()).toBe('tok-2');
  });

  it('shares one request between concurrent callers and fetches again after invalidate', async () => {
    const endpoint = tokenEndpoint();
    const source = createTokenSource({ credentials, transport: endpoint.transport, tokenPath: '/t' });
    const tokens = await Promise.all([source.token(), source.token(), source.token()]);
    expect(tokens).toEqual(['tok-1', 'tok-1', 'tok-1']);
    source.invalidate('tok-0');
    expect(await source.token()).toBe('tok-1');
    source.invalidate('tok-1');
    expect(await source.token()).toBe('tok-2');
  });

  it('reports a refusal by status and OAuth error code, never the secret', async () => {
    const transport: PeerTransport = {
      request: async () => json(401, { error: 'invalid_client', error_description: 's3cret/+=' }),
    };
    const source = createTokenSource({ credentials, transport, tokenPath: '/t' });
    const error = await source.token().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect((error as TokenRequestError).status).toBe(401);
    expect(String((error as Error).message)).toContain('invalid_client');
    expect(String((error as Error).message)).not.toContain('s3cret');
  });

  it('refreshes short tokens well before expiry', () => {
    expect(refreshAt(0, 300)).toBe(240_000);
    expect(refreshAt(0, 20)).toBe(10_000);
    expect(refreshAt(0, 5)).toBe(0);
  });
});

describe('withBearerToken', () => {
  function resource(accepts: (auth: string | undefined) => boolean) {
    const seen: (string | undefined)[] = [];
    const transport: PeerTransport = {
      async request(request) {
        const auth = request.headers?.authorization;
        seen.push(auth);
        return accepts(auth) ? json(200, { ok: true }) : json(401, { error: 'unauthorized' });
      },
    };
    return { transport, seen };
  }

  it('sends the bearer token and keeps the request as it was', async () => {
    const endpoint = tokenEndpoint();
    const source = createTokenSource({ credentials, transport: endpoint.transport, tokenPath: '/t' });
    const target = resource((auth) => auth === 'Bearer tok-1');
    const peers = withBearerToken(target.transport, source);
    const response = await peers.request({
      method: 'GET',
      path: '/fhir/R4/Patient',
      headers: { accept: 'x' },
    });
    expect(response.status).toBe(200);
    expect(target.seen).toEqual(['Bearer tok-1']);
  });

  it('on a 401 fetches a new token and retries once, then returns the answer', async () => {
    const endpoint = tokenEndpoint();
    const source = createTokenSource({ credentials, transport: endpoint.transport, tokenPath: '/t' });
    const accepting = resource((auth) => auth === 'Bearer tok-2');
    expect(
      (await withBearerToken(accepting.transport, source).request({ method: 'GET', path: '/' })).status,
    ).toBe(200);
    expect(accepting.seen).toEqual(['Bearer tok-1', 'Bearer tok-2']);

    const refusing = resource(() => false);
    const response = await withBearerToken(refusing.transport, source).request({ method: 'GET', path: '/' });
    expect(response.status).toBe(401);
    expect(refusing.seen).toEqual(['Bearer tok-2', 'Bearer tok-3']);
  });

  it("leaves a caller's own Authorization header alone", async () => {
    const endpoint = tokenEndpoint();
    const source = createTokenSource({ credentials, transport: endpoint.transport, tokenPath: '/t' });
    const target = resource(() => false);
    await withBearerToken(target.transport, source).request({
      method: 'GET',
      path: '/',
      headers: { Authorization: 'Bearer user' },
    });
    expect(target.seen).toEqual([undefined]);
    expect(endpoint.issued()).toBe(0);
  });
});
