// How the CLI's client commands (import, simulate) authenticate to a platform: a bearer token
// given as is (--token), a client's credentials (--client-id/--client-secret, the token endpoint
// found in the FHIR base's smart-configuration unless --token-url names it), or by default, for a
// platform on this machine, the bootstrap client in HEALTHLANE_DATA_DIR/bootstrap.json.
// Client credentials become a token source that refreshes before expiry (tokens live ≤ 5 minutes).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createHttpTransport,
  createTokenSource,
  type HttpTransport,
  type PeerTransport,
  type TokenSource,
  withBearerToken,
} from '@healthlane/client';

type Env = Record<string, string | undefined>;

export interface CredentialOptions {
  token?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  tokenUrl?: string | undefined;
  scope?: string | undefined;
}

/** Where tokens come from; `describe` is for messages and never holds a secret. */
export interface CliAuth {
  describe: string;
  /** Undefined when requests go without a token. */
  token?: () => Promise<string>;
  /** Wraps a transport so each request carries the token (refetched once on a 401). */
  wrap(transport: PeerTransport): PeerTransport;
  close(): Promise<void>;
}

const defaultScope = 'system/*.cruds';

function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]', '::1'].includes(url.hostname);
}

/** The token endpoint a FHIR server advertises in its SMART configuration. */
export async function discoverTokenUrl(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/fhir/R4/.well-known/smart-configuration`, {
    headers: { accept: 'application/json' },
  });
  if (response.status !== 200) {
    throw new Error(`no SMART configuration at ${baseUrl} (HTTP ${response.status}); pass --token-url`);
  }
  const body = (await response.json()) as { token_endpoint?: unknown };
  if (typeof body.token_endpoint !== 'string') {
    throw new Error(`the SMART configuration at ${baseUrl} names no token_endpoint; pass --token-url`);
  }
  return body.token_endpoint;
}

function clientAuth(
  describe: string,
  credentials: { clientId: string; clientSecret: string; scope: string },
  tokenUrl: URL,
): CliAuth {
  const tokenTransport: HttpTransport = createHttpTransport({
    baseUrl: tokenUrl.origin,
    timeoutMs: 30_000,
    connections: 1,
  });
  const source: TokenSource = createTokenSource({
    credentials,
    transport: tokenTransport,
    tokenPath: tokenUrl.pathname + tokenUrl.search,
  });
  return {
    describe,
    token: () => source.token(),
    wrap: (transport) => withBearerToken(transport, source),
    close: () => tokenTransport.close(),
  };
}

export async function resolveCliAuth(
  options: CredentialOptions,
  env: Env,
  baseUrl: string,
): Promise<CliAuth> {
  const scope = options.scope ?? defaultScope;
  if (options.token !== undefined) {
    const token = options.token;
    return {
      describe: 'the token given',
      token: async () => token,
      wrap: (transport) => ({
        request: (request) =>
          transport.request({
            ...request,
            headers: { ...request.headers, authorization: `Bearer ${token}` },
          }),
      }),
      close: async () => {},
    };
  }
  const clientSecret = options.clientSecret ?? env.HEALTHLANE_CLIENT_SECRET;
  if (options.clientId !== undefined || clientSecret !== undefined) {
    if (options.clientId === undefined || clientSecret === undefined) {
      throw new Error('--client-id and --client-secret (or HEALTHLANE_CLIENT_SECRET) go together');
    }
    const tokenUrl = new URL(options.tokenUrl ?? (await discoverTokenUrl(baseUrl)));
    return clientAuth(
      `client ${options.clientId}`,
      { clientId: options.clientId, clientSecret, scope },
      tokenUrl,
    );
  }
  const base = new URL(baseUrl);
  if (isLoopback(base)) {
    const file = join(env.HEALTHLANE_DATA_DIR ?? './.healthlane', 'bootstrap.json');
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      const bootstrap = JSON.parse(text) as { tokenUrl?: string; clientId?: string; clientSecret?: string };
      if (bootstrap.clientId && bootstrap.clientSecret && bootstrap.tokenUrl) {
        // The file names the public URL; this machine reaches the platform at --url.
        const tokenUrl = new URL(new URL(bootstrap.tokenUrl).pathname, base.origin);
        return clientAuth(
          `the bootstrap client in ${file}`,
          { clientId: bootstrap.clientId, clientSecret: bootstrap.clientSecret, scope },
          tokenUrl,
        );
      }
    }
  }
  return { describe: 'no token', wrap: (transport) => transport, close: async () => {} };
}

/** Help text shared by the commands that take credentials. */
export const credentialHelp = `  --token <token>       bearer token sent with every request
  --client-id <id>      a system client's id: tokens by client_credentials, refreshed before expiry
  --client-secret <s>   its secret (or HEALTHLANE_CLIENT_SECRET, kept out of the process list)
  --token-url <url>     token endpoint (default: from <url>/fhir/R4/.well-known/smart-configuration)
  --scope <scopes>      scopes to ask for (default system/*.cruds)
  Without these, for a platform on this machine, the bootstrap client in
  HEALTHLANE_DATA_DIR/bootstrap.json (default ./.healthlane) is used when the file exists.`;

export const credentialArgs = {
  token: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'token-url': { type: 'string' },
  scope: { type: 'string' },
} as const;

export function credentialOptions(values: Record<string, unknown>): CredentialOptions {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  return {
    token: text('token'),
    clientId: text('client-id'),
    clientSecret: text('client-secret'),
    tokenUrl: text('token-url'),
    scope: text('scope'),
  };
}
