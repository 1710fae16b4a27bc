// Access tokens for benchmarks that run with authentication on: the bootstrap system client's
// credentials (HEALTHLANE_DATA_DIR/bootstrap.json, written by the platform's first start) traded
// for a client_credentials token. Tokens live five minutes; `bearer()` fetches a new one when the
// current one is within a minute of expiring.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface BootstrapClient {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

export async function readBootstrap(dataDir: string): Promise<BootstrapClient> {
  const text = await readFile(join(dataDir, 'bootstrap.json'), 'utf8');
  const parsed = JSON.parse(text) as BootstrapClient;
  return { tokenUrl: parsed.tokenUrl, clientId: parsed.clientId, clientSecret: parsed.clientSecret };
}

/**
 * A token source. `origin` replaces the token URL's origin (the bootstrap file names the public URL,
 * the benchmark talks to the loopback address it started).
 */
export function tokenSource(client: BootstrapClient, origin: string, scope = 'system/*.cruds') {
  let current: { token: string; expiresAt: number } | undefined;
  return {
    async bearer(): Promise<string> {
      if (current === undefined || current.expiresAt - Date.now() < 60_000) {
        const url = new URL(new URL(client.tokenUrl).pathname, origin);
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
          },
          body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
        });
        if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}`);
        const body = (await response.json()) as { access_token: string; expires_in: number };
        current = { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
      }
      return `Bearer ${current.token}`;
    },
  };
}
