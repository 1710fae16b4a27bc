// The platform services' own client: registered from HEALTHLANE_SERVICE_CLIENT_SECRET at start,
// issuing system tokens that reach records but not identity's administration (integration role,
// no admin), refusing a wrong secret; rewritten when the secret changes and removed without one.
import { createInProcessPeers } from '@healthlane/kit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionServiceClient } from '../src/service-client.ts';
import { api, basic, form, type Platform, startPlatform } from './support/platform.ts';

const secret = 'a-service-client-secret-of-at-least-32-chars';

describe('the services client', () => {
  let platform: Platform;
  const tokenUrl = () => `${platform.url}/auth/token`;
  const ask = (clientSecret: string) =>
    form(
      tokenUrl(),
      { grant_type: 'client_credentials', scope: 'system/*.cruds' },
      { authorization: basic('healthlane-services', clientSecret) },
    );

  beforeAll(async () => {
    platform = await startPlatform({ HEALTHLANE_SERVICE_CLIENT_SECRET: secret });
  }, 60_000);
  afterAll(() => platform.stop());

  it('gets system tokens that records accepts and identity administration refuses', async () => {
    const issued = await ask(secret);
    expect(issued.status).toBe(200);
    const token = issued.body.access_token as string;
    expect((await api(platform, 'GET', '/fhir/R4/Patient', token)).status).toBe(200);
    expect((await api(platform, 'GET', '/auth/admin/users', token)).status).toBe(403);
  });

  it('refuses a wrong secret, and peer calls without a token', async () => {
    expect((await ask('a-wrong-secret-of-at-least-32-characters')).status).toBe(401);
    const peers = createInProcessPeers(platform.host.app, () => true);
    expect((await peers.request({ method: 'GET', path: '/fhir/R4/Patient' })).status).toBe(401);
  });

  it('is rewritten with a new secret and removed without one', async () => {
    await platform.host.stop();
    const { openDatabase } = await import('@healthlane/store');
    const db = await openDatabase({ dataDir: platform.dataDir });
    try {
      const logger = pino({ level: 'silent' });
      const stored = async () =>
        (
          await db.query<{ payload: { client_secret: string; hl_roles: string[] } }>(
            "SELECT payload FROM identity.oidc_model WHERE model = 'Client' AND id = 'healthlane-services'",
          )
        ).rows[0]?.payload;
      expect((await stored())?.client_secret).toBe(secret);
      expect((await stored())?.hl_roles).toEqual(['integration']);
      const rotated = 'another-service-client-secret-of-32-chars';
      await provisionServiceClient(db, { clientId: 'healthlane-services', clientSecret: rotated }, logger);
      expect((await stored())?.client_secret).toBe(rotated);
      await provisionServiceClient(db, { clientId: 'healthlane-services' }, logger);
      expect(await stored()).toBeUndefined();
    } finally {
      await db.close();
    }
  }, 60_000);
});
