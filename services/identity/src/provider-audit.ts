// Audits what oidc-provider decides on its own: a logout (end_session) and a refused token request
// (grant.error: a reused or expired code, a revoked refresh token, a failed client authentication).
// Only fixed words describe a failure (the grant type when it is a known one, the OAuth error code);
// nothing the client sent — codes, tokens, assertions, secrets — reaches the event.

import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import { auditClient, grantTypeLabel, type IdentityAudit, oauthErrorLabel } from './identity-audit.ts';
import { findUser } from './store/users.ts';

type Entities = Record<string, { accountId?: string } | undefined>;

function accountOf(ctx: KoaContextWithOIDC): string | undefined {
  const entities = ctx.oidc?.entities as Entities | undefined;
  return (
    entities?.RefreshToken?.accountId ??
    entities?.AuthorizationCode?.accountId ??
    (ctx.oidc?.session as { accountId?: string } | undefined)?.accountId
  );
}

export function auditProviderEvents(
  provider: Provider,
  audit: IdentityAudit,
  logger: Logger,
  db: Parameters<typeof findUser>[0],
): void {
  const record = (work: Promise<void>) =>
    work.catch(() => logger.warn({ component: 'audit' }, 'an identity AuditEvent could not be recorded'));

  async function userOf(accountId: string | undefined) {
    if (accountId === undefined) return {};
    const user = await findUser(db, accountId);
    return { user: { id: accountId, ...(user === undefined ? {} : { roles: [...user.roles] }) } };
  }

  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: unknown) => {
    const client = auditClient(ctx.oidc?.client?.clientId);
    const grantType = grantTypeLabel(ctx.oidc?.params?.grant_type);
    record(
      (async () =>
        audit.record({
          interaction: 'token',
          outcome: '4',
          outcomeDesc: `${grantType}: ${oauthErrorLabel(error)}`,
          ...(await userOf(accountOf(ctx))),
          ...(client === undefined ? {} : { client }),
          address: ctx.ip,
        }))(),
    );
  });

  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    const client = auditClient(ctx.oidc?.client?.clientId);
    record(
      (async () =>
        audit.record({
          interaction: 'logout',
          outcome: '0',
          ...(await userOf(accountOf(ctx))),
          ...(client === undefined ? {} : { client }),
          address: ctx.ip,
        }))(),
    );
  });
}
