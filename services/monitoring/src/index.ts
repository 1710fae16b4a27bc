// The monitoring service: bedside vitals in over HTTP, WebSocket and MQTT; durable time-series
// storage; NEWS2 on every arrival; alerts that escalate until acknowledged; live streams per
// patient and ward; charting of vitals and NEWS2 to records as FHIR Observations.
import { randomUUID } from 'node:crypto';
import websocket from '@fastify/websocket';
import { createPlatformVerifier, type TokenVerifier } from '@healthlane/access';
import { createOutbox } from '@healthlane/bus';
import type { PeerTransport, ServiceDefinition } from '@healthlane/kit';
import { Counter, Gauge, Histogram } from 'prom-client';
import { createAlertEngine } from './alerts/alert-engine.ts';
import { createChartingWorker } from './charting/charting-worker.ts';
import { createOwnObservations } from './charting/own-observations.ts';
import { type MonitoringConfig, monitoringConfigSchema } from './config.ts';
import { createDeviceDirectory } from './devices/device-directory.ts';
import { subscribeToRecords } from './events/records-consumer.ts';
import { exportAlertsToRecords } from './export/alert-export.ts';
import { createIngestPipeline } from './ingest/ingest-pipeline.ts';
import { createMqttIngest, type MqttIngest } from './ingest/mqtt-ingest.ts';
import { createLiveHub } from './live/live-hub.ts';
import { createPatientSettingsStore } from './patients/patient-settings.ts';
import { registerIngestRoutes } from './routes/ingest-routes.ts';
import { registerLiveRoutes } from './routes/live-routes.ts';
import { registerPatientRoutes } from './routes/patient-routes.ts';
import { createPlatformStreamAccess } from './routes/platform-stream-access.ts';
import type { StreamAccessCheck } from './routes/stream-access.ts';
import { createPatientMonitor } from './scoring/patient-monitor.ts';
import { ensurePartitions } from './store/partitions.ts';
import { applyRetention } from './store/retention.ts';
import { createSampleWriter } from './store/sample-writer.ts';
import { monitoringMigrations } from './store/schema.ts';

export type { MonitoringConfig } from './config.ts';
export { monitoringConfigSchema } from './config.ts';
export { deviceFromTopic, vitalsTopic } from './ingest/mqtt-ingest.ts';
export { createPlatformStreamAccess } from './routes/platform-stream-access.ts';
export {
  openStreamAccess,
  type StreamAccessCheck,
  type StreamAccessRequest,
  type StreamPrincipal,
} from './routes/stream-access.ts';

const dayMs = 86_400_000;

export interface MonitoringServiceOptions {
  /** Alert ids; random UUIDs by default. */
  newId?: () => string;
  /**
   * Replaces the stream access check (tests that prove the check is reached); by default the
   * platform's (src/routes/platform-stream-access.ts: packages/access, deny by default).
   */
  access?: StreamAccessCheck;
  /**
   * Verifies bearer tokens the gateway has not verified already (monitoring served alone); by
   * default identity's keys through the peers, with revocations from the bus. Tests pass their own.
   */
  tokenVerifier?: TokenVerifier;
  /**
   * Headers for monitoring's own calls to records (reading Device/Observation versions, charting).
   * @deprecated Redundant with the kit host's `peerAuth` (startHost), which authenticates every
   * service's peer calls and is what `healthlane start`/`serve` use. Kept only while
   * apps/web/test/support/platform.ts still passes it; remove it once that harness uses `peerAuth`.
   */
  peerCredentials?: () => Promise<Record<string, string>>;
}

export function createMonitoringService(
  options: MonitoringServiceOptions = {},
): ServiceDefinition<MonitoringConfig> {
  return {
    name: 'monitoring',
    description:
      'Bedside vitals ingest (HTTP, WebSocket, MQTT), NEWS2, escalating alerts, live streams, charting',
    prefixes: ['/monitoring'],
    config: monitoringConfigSchema,
    migrations: monitoringMigrations,
    async create({ config, db, bus, logger, metrics, clock, peers: platformPeers }) {
      const credentials = options.peerCredentials;
      const peers: PeerTransport = credentials
        ? {
            request: async (request) =>
              platformPeers.request({
                ...request,
                headers: { ...request.headers, ...(await credentials()) },
              }),
          }
        : platformPeers;
      const outbox = createOutbox({
        db,
        bus,
        schema: 'monitoring',
        logger: logger.child({ component: 'outbox' }),
      });
      await outbox.migrate();
      const now = () => clock.now().getTime();
      await ensurePartitions(db, now() - config.maxLatenessMs, now() + 2 * dayMs);

      const samplesTotal = new Counter({
        name: 'monitoring_samples_total',
        help: 'Vital samples by outcome (accepted = durable, refused = invalid)',
        labelNames: ['outcome'],
        registers: [metrics],
      });
      const flushSeconds = new Histogram({
        name: 'monitoring_sample_flush_seconds',
        help: 'Duration of one durable batched insert',
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
        registers: [metrics],
      });
      const alertEvents = new Counter({
        name: 'monitoring_alert_events_total',
        help: 'Alert state changes by effect and severity',
        labelNames: ['effect', 'severity'],
        registers: [metrics],
      });
      const news2Changes = new Counter({
        name: 'monitoring_news2_changes_total',
        help: 'NEWS2 score or band changes',
        labelNames: ['band'],
        registers: [metrics],
      });
      const charted = new Counter({
        name: 'monitoring_charted_observations_total',
        help: 'Observations charted to records',
        registers: [metrics],
      });
      // Seconds from a sample's arrival at monitoring (not its device time: device clocks may be off
      // by up to MONITORING_MAX_CLOCK_SKEW) until the alert it raised reached a clinician channel.
      const alertDelivery = new Histogram({
        name: 'monitoring_alert_delivery_seconds',
        help: 'Sample arrival to a raised alert reaching a clinician channel (live stream frame written, or event committed to the bus outbox)',
        labelNames: ['channel', 'severity'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [metrics],
      });
      const ingestLag = new Histogram({
        name: 'monitoring_ingest_lag_seconds',
        help: 'Batch arrival to scored (NEWS2 and alert rules applied) and to stored (durable)',
        labelNames: ['stage'],
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [metrics],
      });
      const lagOf = { scored: ingestLag.labels('scored'), stored: ingestLag.labels('stored') };
      const exported = new Counter({
        name: 'monitoring_alert_exported_resources_total',
        help: 'Flag, DetectedIssue and Communication resources written to records for alerts',
        registers: [metrics],
      });
      const refusedMessages = new Counter({
        name: 'monitoring_mqtt_refused_messages_total',
        help: 'MQTT messages refused as malformed',
        registers: [metrics],
      });

      const directory = createDeviceDirectory(db);
      const settings = createPatientSettingsStore(db);
      await Promise.all([directory.load(), settings.load()]);
      const hub = createLiveHub({ maxBufferedBytes: 4 * 1024 * 1024 });
      new Gauge({
        name: 'monitoring_live_subscribers',
        help: 'Open live-stream subscribers',
        registers: [metrics],
        collect() {
          this.set(hub.count());
        },
      });
      const alerts = createAlertEngine({
        db,
        outbox,
        clock,
        policy: {
          escalation: config.escalation,
          clearAfterMs: config.clearAfterMs,
          suppressAfterResolveMs: config.suppressAfterResolveMs,
        },
        hub,
        wardOf: (patientId) => directory.wardOf(patientId),
        newId: options.newId ?? randomUUID,
        logger: logger.child({ component: 'alerts' }),
        onEffect: (effect, severity) => alertEvents.inc({ effect, severity }),
        onDelivered: (channel, severity, seconds) => alertDelivery.observe({ channel, severity }, seconds),
      });
      await alerts.load();
      const monitor = createPatientMonitor({
        clock,
        window: { vitalMaxAgeMs: config.vitalMaxAgeMs, observationMaxAgeMs: config.observationMaxAgeMs },
        alerts,
        hub,
        settings,
        wardOf: (patientId) => directory.wardOf(patientId),
        silentAfterMs: config.silentAfterMs,
        onNews2: (result) => news2Changes.inc({ band: result.band }),
      });
      const writer = createSampleWriter({
        db,
        maxBatchRows: config.batchRows,
        maxDelayMs: config.batchDelayMs,
        concurrency: db.dialect === 'pglite' ? 1 : 4,
        maxPendingRows: config.maxPendingRows,
        onFlush: (_rows, _inserted, seconds) => flushSeconds.observe(seconds),
      });
      const pipeline = createIngestPipeline({
        clock,
        directory,
        monitor,
        writer,
        maxLatenessMs: config.maxLatenessMs,
        maxClockSkewMs: config.maxClockSkewMs,
        onSamples: (accepted, refused) => {
          if (accepted > 0) samplesTotal.inc({ outcome: 'accepted' }, accepted);
          if (refused > 0) samplesTotal.inc({ outcome: 'refused' }, refused);
        },
        onLag: (stage, seconds) => lagOf[stage].observe(seconds),
      });
      const own = createOwnObservations(100_000);
      const charting = createChartingWorker({
        monitor,
        peers,
        logger: logger.child({ component: 'charting' }),
        now,
        intervalMs: config.chartingIntervalMs,
        maxEntries: 500,
        onCharted: (n) => charted.inc(n),
        onCreated: (id) => own.add(id),
      });
      const mqttIngest: MqttIngest | undefined = config.mqttUrl
        ? createMqttIngest({
            url: config.mqttUrl,
            topicPrefix: config.mqttTopicPrefix,
            clientId: config.mqttClientId,
            shareGroup: config.mqttShareGroup,
            connections: config.mqttConnections,
            pipeline,
            logger: logger.child({ component: 'mqtt' }),
            onRefusedMessage: () => refusedMessages.inc(),
          })
        : undefined;
      // Access: the request's token is verified here too when no gateway did (distributed), and
      // every route decides through packages/access, as records does.
      const platformVerifier =
        config.access.auth && options.tokenVerifier === undefined
          ? createPlatformVerifier({ config: config.access, peers: platformPeers, bus, clock })
          : undefined;
      const access =
        options.access ??
        createPlatformStreamAccess({
          enabled: config.access.auth,
          verifier: config.access.auth ? (options.tokenVerifier ?? platformVerifier?.verifier) : undefined,
          clock,
        });
      const deps = { db, clock, pipeline, monitor, alerts, hub, directory, settings, access };

      const timers: NodeJS.Timeout[] = [];
      let subscriptions: Array<{ close(): Promise<void> }> = [];
      let lastMaintenanceMs = 0;
      async function maintain(): Promise<void> {
        if (now() - lastMaintenanceMs < 3_600_000) return;
        lastMaintenanceMs = now();
        await ensurePartitions(db, now(), now() + 2 * dayMs);
        await applyRetention(db, now(), {
          rawDays: config.rawRetentionDays,
          rollupDays: config.rollupRetentionDays,
        });
      }

      return {
        async routes(app) {
          await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
          registerIngestRoutes(app, deps);
          registerLiveRoutes(app, deps);
          registerPatientRoutes(app, deps);
        },
        async start() {
          await platformVerifier?.start();
          outbox.start();
          subscriptions = await subscribeToRecords({
            bus,
            db,
            peers,
            directory,
            monitor,
            pipeline,
            own,
            logger: logger.child({ component: 'records-events' }),
          });
          subscriptions.push(
            await exportAlertsToRecords({
              bus,
              peers,
              alerts,
              logger: logger.child({ component: 'alert-export' }),
              onExported: (n) => exported.inc(n),
            }),
          );
          await mqttIngest?.start();
          timers.push(
            setInterval(() => {
              alerts.tick();
              monitor.tick();
            }, config.tickMs),
            setInterval(() => void charting.pass(), Math.min(config.chartingIntervalMs, 5_000)),
            setInterval(
              () =>
                void maintain().catch((error: unknown) =>
                  logger.warn({ err: error }, 'partition maintenance failed'),
                ),
              60_000,
            ),
          );
          for (const timer of timers) timer.unref();
        },
        async stop() {
          for (const timer of timers.splice(0)) clearInterval(timer);
          await mqttIngest?.stop();
          await Promise.all(subscriptions.map((s) => s.close()));
          await writer.flush();
          // No final charting pass: the HTTP app (and with it the in-process peers) is closed by now;
          // uncharted readings are in the raw series, and charting is a summary, not the record of samples.
          await alerts.settled();
          await outbox.stop();
          await platformVerifier?.stop();
        },
        async ready() {
          if (mqttIngest && !mqttIngest.connected()) throw new Error('MQTT broker not connected');
        },
      };
    },
  };
}

export const monitoringService = createMonitoringService();
export default monitoringService;
