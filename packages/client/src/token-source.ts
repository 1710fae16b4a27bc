// OAuth 2.0 client_credentials tokens for the platform's own callers (services, the CLI): one
// cached access token, fetched again before it expires (tokens live at most five minutes) or when
// a caller reports it refused; concurrent callers share one token request. Secrets stay here.
import type { PeerTransport } from './transport.ts';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  /** Space-separated SMART scopes to ask for, e.g. 'system/*.cruds'. */
  scope: string;
}

export interface TokenSourceOptions {
  credentials: ClientCredentials;
  /** Reaches the token endpoint (in-process peers, or an HTTP transport to its origin). */
  transport: PeerTransport;
  /** Path of the token endpoint on that transport, e.g. '/auth/token'. */
  tokenPath: string;
  /** Milliseconds since the epoch; Date.now by default. */
  now?: () => number;
}

export interface TokenSource {
  /** A current access token (fetched or refreshed when needed). */
  token(): Promise<string>;
  /** Forgets `token` if it is the cached one, e.g. after a 401: the next call fetches a new one. */
  invalidate(token: string): void;
}

/** Thrown when the token endpoint does not issue a token; names the status, never a credential. */
export class TokenRequestError extends Error {
  readonly status: number;
  constructor(status: number, detail: string) {
    super(`token endpoint answered ${status}${detail ? ` (${detail})` : ''}`);
    this.name = 'TokenRequestError';
    this.status = status;
  }
}

/** Refresh once 80% of a token's life has passed, and never later than 10 s before it expires. */
export function refreshAt(issuedAt: number, expiresInSeconds: number): number {
  const lifeMs = expiresInSeconds * 1000;
  return issuedAt + Math.min(lifeMs * 0.8, Math.max(0, lifeMs - 10_000));
}

const decoder = new TextDecoder();

function basic(credentials: ClientCredentials): string {
  const id = encodeURIComponent(credentials.clientId);
  const secret = encodeURIComponent(credentials.clientSecret);
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const now = options.now ?? Date.now;
  let current: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const issuedAt = now();
    const response = await options.transport.request({
      method: 'POST',
      path: options.tokenPath,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: basic(options.credentials),
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: options.credentials.scope,
      }).toString(),
    });
    const text = decoder.decode(response.body);
    let body: { access_token?: unknown; expires_in?: unknown; error?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Not JSON: reported by status below.
    }
    if (response.status !== 200 || typeof body.access_token !== 'string') {
      // The OAuth error code only (invalid_client, invalid_scope): descriptions may echo input.
      throw new TokenRequestError(response.status, typeof body.error === 'string' ? body.error : '');
    }
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    current = { token: body.access_token, refreshAt: refreshAt(issuedAt, expiresIn) };
    return body.access_token;
  }

  return {
    async token() {
      if (current !== undefined && now() < current.refreshAt) return current.token;
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate(token) {
      if (current?.token === token) current = undefined;
    },
  };
}
