// The identity service: the platform's OAuth 2.0 / OpenID Connect provider (oidc-provider) with
// SMART App Launch 2 and Backend Services, users with roles and care teams, password + TOTP
// sign-in with lockout, break-glass, and the first-start bootstrap of an admin and a system client.
import {
  applyRevocationList,
  createAccessState,
  createTokenVerifier,
  followAccessEvents,
} from '@healthlane/access';
import { createOutbox } from '@healthlane/bus';
import type { ServiceDefinition } from '@healthlane/kit';
import { Counter } from 'prom-client';
import { runBootstrap } from './bootstrap.ts';
import { type IdentityConfig, identityConfigSchema } from './config.ts';
import { createIdentityAudit } from './identity-audit.ts';
import { createProvider } from './provider.ts';
import { auditProviderEvents } from './provider-audit.ts';
import { registerAccountRoutes } from './routes/account-routes.ts';
import { registerAdminRoutes } from './routes/admin-routes.ts';
import { registerBreakGlassRoutes } from './routes/break-glass-routes.ts';
import { registerDiscoveryRoutes } from './routes/discovery-routes.ts';
import { registerInteractionRoutes } from './routes/interaction-routes.ts';
import { mountOidcProvider } from './routes/oidc-mount.ts';
import { registerRevocationRoutes, revocationList } from './routes/revocation-routes.ts';
import { provisionServiceClient } from './service-client.ts';
import { loadKeyMaterial } from './store/keys.ts';
import { identityMigrations } from './store/schema.ts';

export { type BootstrapCredentials, bootstrapFileName } from './bootstrap.ts';
export { type IdentityConfig, identityConfigSchema } from './config.ts';
export { hashPassword } from './domain/password.ts';
export { totpCode, totpStep } from './domain/totp.ts';
export { createIdentityAudit, type IdentityAudit } from './identity-audit.ts';
export { resetPassword } from './reset-password.ts';
export { serviceClientScope } from './service-client.ts';
export { identityMigrations } from './store/schema.ts';

export const identityService: ServiceDefinition<IdentityConfig> = {
  name: 'identity',
  description: 'OAuth 2.0 / OpenID Connect with SMART on FHIR: users, roles, clients, MFA, break-glass',
  prefixes: ['/auth', '/fhir/R4/.well-known'],
  config: identityConfigSchema,
  migrations: identityMigrations,
  async create({ config, db, bus, logger, metrics, clock }) {
    const now = () => clock.now();
    const outbox = createOutbox({
      db,
      bus,
      schema: 'identity',
      logger: logger.child({ component: 'outbox' }),
    });
    await outbox.migrate();
    const audit = createIdentityAudit({ db, bus, logger: logger.child({ component: 'audit' }), now });
    await audit.producer.migrate();
    const keys = await loadKeyMaterial(db, now());
    await runBootstrap(db, config, logger, now());
    await provisionServiceClient(db, config.serviceClient, logger);
    const provider = createProvider({ db, config, keys, now });
    provider.on('server_error', (_ctx, error) => logger.error({ err: error }, 'oidc-provider server error'));
    auditProviderEvents(provider, audit, logger, db);

    const state = createAccessState(clock);
    const verifier = createTokenVerifier({
      issuer: config.access.issuer,
      audience: config.access.fhirBaseUrl,
      clock,
      state,
      fetchJwks: async () => ({ keys: keys.publicKeys as never }),
    });
    const logins = new Counter({
      name: 'identity_logins_total',
      help: 'Sign-in attempts by outcome (success, failure, locked, rate-limited)',
      labelNames: ['outcome'],
      registers: [metrics],
    });
    const breakGlass = new Counter({
      name: 'identity_break_glass_opened_total',
      help: 'Emergency (break-glass) accesses opened',
      registers: [metrics],
    });
    let subscriptions: { close(): Promise<void> }[] = [];

    return {
      async routes(app) {
        await mountOidcProvider(app, provider, config.access.publicUrl);
        await app.register(async (scope) => {
          registerDiscoveryRoutes(scope, { issuer: config.access.issuer, publicKeys: keys.publicKeys });
          registerInteractionRoutes(scope, {
            provider,
            db,
            config,
            now,
            onLogin: (outcome) => logins.inc({ outcome }),
            audit,
          });
          registerAdminRoutes(scope, { db, outbox, verifier, now, audit });
          registerRevocationRoutes(scope, { db, now });
          registerBreakGlassRoutes(scope, {
            db,
            outbox,
            verifier,
            now,
            durationSeconds: config.breakGlassSeconds,
            onOpened: () => breakGlass.inc(),
            audit,
          });
          registerAccountRoutes(scope, { db, verifier, now });
        });
      },
      async start() {
        outbox.start();
        audit.producer.start();
        subscriptions = await followAccessEvents(bus, state);
        // Its own verifier reads the persisted revocations directly (others load them over HTTP).
        applyRevocationList(state, await revocationList(db, now()));
      },
      async stop() {
        await Promise.all(subscriptions.map((subscription) => subscription.close()));
        await audit.producer.stop();
        await outbox.stop();
      },
    };
  },
};

export default identityService;
