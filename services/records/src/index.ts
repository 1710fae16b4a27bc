// The records service: the FHIR R4 REST store of record under /fhir/R4 — versioned resources,
// history, conditional operations, Bundles — publishing fhir.<Type>.<created|updated|deleted>
// through its transactional outbox.
import { randomUUID } from 'node:crypto';
import { authenticateRequest, createPlatformVerifier } from '@healthlane/access';
import { createOutbox } from '@healthlane/bus';
import type { ServiceDefinition } from '@healthlane/kit';
import { Counter, Gauge } from 'prom-client';
import { createRecordsAudit } from './audit/records-audit.ts';
import { type RecordsConfig, recordsConfigSchema } from './config.ts';
import { loadDemoData } from './demo/load-demo.ts';
import {
  type Authorize,
  type AuthorizeOptions,
  createAuthorize,
  platformPrincipal,
} from './domain/authorize.ts';
import { guardResourceService } from './guarded-resource-service.ts';
import { createRecordsResourceService } from './records-resource-service.ts';
import { registerFhirRoutes } from './routes/fhir-routes.ts';
import { reindexIfNeeded } from './store/reindex.ts';
import { recordsMigrations } from './store/schema.ts';

export type { RecordsConfig } from './config.ts';
export { recordsConfigSchema } from './config.ts';
export {
  type Authorize,
  type AuthorizeOptions,
  authorize,
  canSee,
  createAuthorize,
  type Interaction,
  type InteractionKind,
  needsCompartmentFilter,
} from './domain/authorize.ts';
export type {
  CreateOptions,
  DeleteResult,
  RequestContext,
  ResourceService,
  StoredResource,
  WriteOptions,
  WriteResult,
} from './domain/resource-service.ts';
export {
  createRecordsResourceService,
  type RecordsResourceService,
  type RecordsResourceServiceOptions,
} from './records-resource-service.ts';
export { recordsMigrations } from './store/schema.ts';

/** Base URL the demo load runs under: it only appears in the loader's own responses, never in stored data. */
const demoBaseUrl = 'http://localhost/fhir/R4';

export interface RecordsServiceOptions {
  /** Server-assigned resource ids (and Bundle ids); random UUIDs by default. */
  newId?: () => string;
  /**
   * Replaces the authorization hook and turns the instance-level guard off (tests that prove the
   * hook is reached); the platform's decision (createAuthorize, src/domain/authorize.ts) by default.
   */
  authorize?: Authorize;
}

export function createRecordsService(options: RecordsServiceOptions = {}): ServiceDefinition<RecordsConfig> {
  const newId = options.newId ?? randomUUID;
  return {
    name: 'records',
    description:
      'FHIR R4 REST store of record: versioned resources, history, conditional operations, Bundles',
    prefixes: ['/fhir'],
    config: recordsConfigSchema,
    migrations: recordsMigrations,
    async create({ config, db, bus, logger, metrics, clock, peers }) {
      const outbox = createOutbox({
        db,
        bus,
        schema: 'records',
        logger: logger.child({ component: 'outbox' }),
      });
      await outbox.migrate();
      // Every interaction's AuditEvent (src/audit/): writes with their data, the rest group-committed.
      const audit = createRecordsAudit({ db, bus, clock, logger, metrics });
      await audit.migrate();
      // Rebuilds the search index when its extraction rules changed (or it predates search).
      const reindexed = await reindexIfNeeded(db);
      if (reindexed > 0) logger.info({ resources: reindexed }, 'search index rebuilt');
      const writes = new Counter({
        name: 'records_writes_total',
        help: 'Resource writes by interaction and outcome (created, updated, matched, unchanged, deleted, absent)',
        labelNames: ['interaction', 'outcome'],
        registers: [metrics],
      });
      new Gauge({
        name: 'records_outbox_pending',
        help: 'Events committed but not yet relayed to the bus',
        registers: [metrics],
        async collect() {
          // A scrape while the database is unreachable keeps the last value rather than failing /metrics.
          const stats = await outbox.stats().catch(() => undefined);
          if (stats !== undefined) this.set(stats.pending);
        },
      });
      // Access control: the request's token is verified here too (distributed, records is reached
      // through the gateway but trusts no one); the all-in-one gateway's verification is reused.
      const access = config.access.auth
        ? createPlatformVerifier({ config: config.access, peers, bus, clock })
        : undefined;
      const authorizeOptions: AuthorizeOptions = { enabled: config.access.auth, clock };
      const unguarded = createRecordsResourceService({
        db,
        outbox: audit.auditingOutbox(outbox),
        clock,
        newId,
        authorize: options.authorize ?? createAuthorize(authorizeOptions),
        maxJsonDepth: config.maxJsonDepth,
        searchLimits: config.search,
        onWrite: (interaction, outcome) => writes.inc({ interaction, outcome }),
      });
      const service =
        options.authorize === undefined ? guardResourceService(unguarded, authorizeOptions) : unguarded;
      const startedAt = clock.now();

      /** Demo data on an empty store, in the background: readiness does not wait for it. */
      async function loadDemoIfEmpty(): Promise<void> {
        if ((await service.count(db)) > 0) return;
        // The platform loads its demo data as itself, not as any user.
        await loadDemoData(service, { baseUrl: demoBaseUrl, principal: platformPrincipal }, logger); // it logs its own summary
      }

      let demoLoad: Promise<void> | undefined;
      return {
        async routes(app) {
          audit.register(app);
          if (access !== undefined) {
            const verifier = access.verifier;
            app.addHook('onRequest', async (request) => {
              if (request.url.split('?', 1)[0] !== '/fhir/R4/metadata')
                await authenticateRequest(request, verifier);
            });
          }
          registerFhirRoutes(app, { service, db, config, startedAt, newId });
        },
        async start() {
          await access?.start();
          outbox.start();
          audit.start();
          if (config.demo) {
            demoLoad = loadDemoIfEmpty().catch((error: unknown) =>
              logger.warn({ err: error }, 'demo data not loaded (the store is usable without it)'),
            );
          }
        },
        async stop() {
          // The loader cannot be interrupted between bundles; let it finish before the database closes.
          await demoLoad;
          await outbox.stop();
          await audit.stop();
          await access?.stop();
        },
      };
    },
  };
}

export const recordsService = createRecordsService();
export default recordsService;
export { shareDirectoryResources } from './bundle/index.ts';
