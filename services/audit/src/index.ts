// The audit service: consumes `audit.>` AuditEvents from the bus (idempotently, into an inbox),
// chains them into an append-only, SHA-256 hash-chained log with a gap-free sequence (one
// serialized appender writing batches), and serves them at /fhir/R4/AuditEvent and /audit.
import { authenticateRequest, createPlatformVerifier } from '@healthlane/access';
import { migrateProcessedEvents, type Subscription } from '@healthlane/bus';
import type { ServiceDefinition } from '@healthlane/kit';
import { Counter, Gauge } from 'prom-client';
import { type AuditConfig, auditConfigSchema } from './config.ts';
import { type AuditAccessPolicy, auditAccess, platformAuditAccess } from './routes/audit-access.ts';
import { auditEventPath, registerAuditEventRoutes } from './routes/fhir-routes.ts';
import { registerReportRoutes } from './routes/report-routes.ts';
import { createAppendWorker } from './store/append-worker.ts';
import { createAppender, writerRoleAvailable } from './store/appender.ts';
import { createIntakeBatchHandler, createIntakeHandler, intakeConsumer } from './store/intake.ts';
import { chainState } from './store/log-queries.ts';
import { auditMigrations } from './store/schema.ts';

export type { AuditConfig } from './config.ts';
export { auditConfigSchema } from './config.ts';
export { canonicalJson } from './domain/canonical-json.ts';
export {
  type Anchor,
  type Checkpoint,
  createChainVerifier,
  type VerifyProblem,
  type VerifyReport,
} from './domain/chain-verifier.ts';
export { chainHash, checkpointSignature, genesisHash, recordText } from './domain/hash-chain.ts';
export {
  type AuditAccessPolicy,
  type AuditAccessRequest,
  auditAccess,
  mayReadAudit,
  platformAuditAccess,
} from './routes/audit-access.ts';
export { type AppenderOptions, createAppender } from './store/appender.ts';
export { auditMigrations, writerRole } from './store/schema.ts';
export { type VerifyLogOptions, verifyAuditLog } from './store/verify-log.ts';

/** The bus subject filter the audit service consumes. */
export const auditSubjects = 'audit.>';

export interface AuditServiceOptions {
  /** Who may read the trail (tests); by default `platformAuditAccess`, or open when HEALTHLANE_AUTH=off. */
  accessPolicy?: AuditAccessPolicy;
  /** Deliveries handled at once by this replica's intake. Default 16. */
  intakeConcurrency?: number;
}

export function createAuditService(options: AuditServiceOptions = {}): ServiceDefinition<AuditConfig> {
  return {
    name: 'audit',
    description: 'Append-only, hash-chained audit trail of FHIR AuditEvents (IHE BALP), searchable via FHIR',
    prefixes: [auditEventPath, '/audit'],
    config: auditConfigSchema,
    migrations: auditMigrations,
    async create({ config, db, bus, logger, metrics, clock, peers }) {
      const access = options.accessPolicy ?? (config.access.auth ? platformAuditAccess : auditAccess);
      // Tokens are verified here too when distributed; in one process the gateway's verification is reused.
      const verification = config.access.auth
        ? createPlatformVerifier({ config: config.access, peers, bus, clock })
        : undefined;
      await migrateProcessedEvents(db, 'audit');
      const appended = new Counter({
        name: 'audit_events_appended_total',
        help: 'AuditEvents chained into the append-only log',
        registers: [metrics],
      });
      const failures = new Counter({
        name: 'audit_append_failures_total',
        help: 'Appender transactions that failed (retried with back-off)',
        registers: [metrics],
      });
      const refused = new Counter({
        name: 'audit_events_refused_total',
        help: 'Messages on audit subjects that were not AuditEvents (dropped)',
        registers: [metrics],
      });
      new Gauge({
        name: 'audit_chain_lag_seconds',
        help: 'Age of the oldest AuditEvent received but not yet chained (0 when none waits)',
        registers: [metrics],
        async collect() {
          const state = await chainState(db).catch(() => undefined);
          if (state !== undefined) this.set(state.lagSeconds);
        },
      });
      new Gauge({
        name: 'audit_chain_pending',
        help: 'AuditEvents received but not yet chained',
        registers: [metrics],
        async collect() {
          const state = await chainState(db).catch(() => undefined);
          if (state !== undefined) this.set(state.pending);
        },
      });

      const useWriterRole = await writerRoleAvailable(db);
      if (!useWriterRole) {
        logger.warn(
          'audit writer role unavailable: the appender writes as the connecting user (triggers still refuse changes)',
        );
      }
      const appender = createAppender({
        db,
        clock,
        batchSize: config.batchSize,
        useWriterRole,
        ...(config.checkpointKey === undefined ? {} : { checkpointKey: config.checkpointKey }),
      });
      const worker = createAppendWorker({
        appendBatch: appender.appendBatch,
        batchSize: config.batchSize,
        pollIntervalMs: config.pollIntervalMs,
        logger,
        onAppended: (count) => appended.inc(count),
        onFailure: () => failures.inc(),
      });
      const intakeOptions = { db, onAccepted: () => worker.kick(), onRefused: () => refused.inc() };
      const intake = createIntakeHandler(intakeOptions);
      const intakeBatch = createIntakeBatchHandler(intakeOptions);
      let subscription: Subscription | undefined;

      return {
        async routes(app) {
          if (verification !== undefined) {
            const verifier = verification.verifier;
            app.addHook('onRequest', async (request) => {
              await authenticateRequest(request, verifier);
            });
          }
          registerAuditEventRoutes(app, { db, config, access });
          registerReportRoutes(app, { db, config, access });
        },
        async start() {
          await verification?.start();
          worker.start();
          subscription = await bus.subscribe({
            subject: auditSubjects,
            group: intakeConsumer,
            handler: intake,
            // Waiting events land in the inbox a batch per transaction.
            handleBatch: intakeBatch,
            batchSize: config.batchSize,
            concurrency: options.intakeConcurrency ?? 4,
          });
        },
        async stop() {
          await subscription?.close();
          await worker.stop();
          await verification?.stop();
        },
      };
    },
  };
}

export const auditService = createAuditService();
export default auditService;
