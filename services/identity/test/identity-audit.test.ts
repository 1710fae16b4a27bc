// Identity's AuditEvents (IHE BALP Login/Logout, IUA Get Access Token, ATNA Security Alert) are
// written through @healthlane/audit and land in the audit service's hash chain — on PGlite with the
// in-process bus. The same scenario runs on PostgreSQL in identity-audit.int.test.ts.
import { buildAuditEvent } from '@healthlane/audit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { grantTypeLabel, oauthErrorLabel } from '../src/identity-audit.ts';
import { runIdentityAuditScenario, startAuditedPlatform } from './support/identity-audit-scenario.ts';
import type { Platform } from './support/platform.ts';

let platform: Platform;

beforeAll(async () => {
  platform = await startAuditedPlatform();
}, 60_000);
afterAll(async () => {
  await platform?.stop();
});

it('every audited identity interaction is chained with its codes, and holds no secret', async () => {
  await runIdentityAuditScenario(platform);
}, 60_000);

it('describes a refused token request only with fixed words, never what the client sent', () => {
  expect(grantTypeLabel('refresh_token')).toBe('refresh_token');
  expect(grantTypeLabel('password=hunter2')).toBe('other');
  expect(grantTypeLabel(undefined)).toBe('other');
  expect(oauthErrorLabel({ error: 'invalid_grant' })).toBe('invalid_grant');
  expect(oauthErrorLabel({ error: 'token eyJhbGciOi.x' })).toBe('error');
  expect(oauthErrorLabel(new Error('boom'))).toBe('error');
});

it('user administration names the user changed as a Security User Entity', () => {
  const event = buildAuditEvent({
    interaction: 'user-change',
    outcome: '0',
    recorded: new Date('2026-12-01T00:00:00Z'),
    observer: 'identity',
    targetUser: { id: 'u-1', change: 'password-reset' },
  });
  expect(event).toMatchObject({
    type: { code: '110113' },
    subtype: [{ code: '110137' }],
    action: 'U',
    entity: [
      {
        what: { identifier: { system: 'urn:healthlane:user', value: 'u-1' } },
        role: { code: '11' },
        description: 'password-reset',
      },
    ],
  });
});
