// The platform's own service identity: an internal system client that services use for their calls
// to each other (monitoring reading and charting to records). Its secret comes from the
// environment (HEALTHLANE_SERVICE_CLIENT_SECRET: generated per process by `healthlane start` and
// `healthlane cluster`, a Secret in Kubernetes) and is written at every start, so rotating the
// secret is a restart; without a secret the client is removed, so no stale secret stays valid.
import type { Database } from '@healthlane/store';
import type { Logger } from 'pino';

export interface ServiceClientConfig {
  clientId: string;
  clientSecret?: string;
}

/** What the services' client may be granted: system scopes acting with the integration role (no admin). */
export const serviceClientScope = 'system/*.cruds';

export function serviceClientMetadata(clientId: string, clientSecret: string): Record<string, unknown> {
  return {
    client_id: clientId,
    client_secret: clientSecret,
    client_name: 'HealthLane platform services',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    hl_scope: serviceClientScope,
    hl_roles: ['integration'],
  };
}

export async function provisionServiceClient(
  db: Database,
  config: ServiceClientConfig,
  logger: Logger,
): Promise<void> {
  if (config.clientSecret === undefined) {
    const removed = await db.query("DELETE FROM identity.oidc_model WHERE model = 'Client' AND id = $1", [
      config.clientId,
    ]);
    if (removed.rowCount > 0) logger.info('service client removed: no HEALTHLANE_SERVICE_CLIENT_SECRET');
    return;
  }
  await db.query(
    `INSERT INTO identity.oidc_model (model, id, payload) VALUES ('Client', $1, $2)
     ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload`,
    [config.clientId, serviceClientMetadata(config.clientId, config.clientSecret)],
  );
  logger.info('service client provisioned');
}
