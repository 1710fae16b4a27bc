// Consumes records' events: fhir.Device.* keep the device directory (device → patient, ward)
// current, so an assignment or its end takes effect on the stream at once; fhir.Observation.* feed
// vital signs written by anyone into NEWS2. Each event names a resource version, which is read
// back through the peers client. Observations monitoring wrote itself (origin tag, or the NEWS2
// code) are ignored, so a derived score never triggers itself. Durable groups: nothing is missed
// across restarts; replays are harmless (version check, sample de-duplication).
import type { Bus, DeliveredMessage, Subscription } from '@healthlane/bus';
import type { PeerTransport } from '@healthlane/kit';
import type { Database } from '@healthlane/store';
import type { Logger } from 'pino';
import { isMonitoringOrigin, isNews2Observation } from '../charting/fhir-observations.ts';
import type { OwnObservations } from '../charting/own-observations.ts';
import type { DeviceDirectory } from '../devices/device-directory.ts';
import { observationPatient, vitalsFromObservation } from '../domain/observation-vitals.ts';
import type { IngestPipeline } from '../ingest/ingest-pipeline.ts';
import type { PatientMonitor } from '../scoring/patient-monitor.ts';

interface ResourceEvent {
  resourceType: string;
  id: string;
  versionId: string;
}

export interface RecordsConsumerOptions {
  bus: Bus;
  db: Database;
  peers: PeerTransport;
  directory: DeviceDirectory;
  monitor: PatientMonitor;
  pipeline: IngestPipeline;
  /** Observations monitoring charted itself: their events are skipped without a read. */
  own?: Pick<OwnObservations, 'take'>;
  logger: Logger;
}

async function readVersion(
  peers: PeerTransport,
  event: ResourceEvent,
): Promise<Record<string, unknown> | null> {
  const response = await peers.request({
    method: 'GET',
    path: `/fhir/R4/${event.resourceType}/${encodeURIComponent(event.id)}/_history/${encodeURIComponent(event.versionId)}`,
    headers: { accept: 'application/fhir+json' },
  });
  if (response.status === 404 || response.status === 410) return null;
  if (response.status !== 200)
    throw new Error(`records answered ${response.status} reading an event's resource`);
  return JSON.parse(new TextDecoder().decode(response.body)) as Record<string, unknown>;
}

function isEvent(data: unknown): data is ResourceEvent {
  const e = data as Partial<ResourceEvent> | null;
  return typeof e?.resourceType === 'string' && typeof e.id === 'string' && typeof e.versionId === 'string';
}

export async function subscribeToRecords(options: RecordsConsumerOptions): Promise<Subscription[]> {
  const { bus, db, peers, directory, logger } = options;

  async function onDevice(message: DeliveredMessage): Promise<void> {
    const event = message.data;
    if (!isEvent(event)) return;
    const deleted = message.subject.endsWith('.deleted');
    const resource = deleted ? null : await readVersion(peers, event);
    const before = directory.lookup(event.id);
    const changed = await db.transaction((tx) => directory.apply(tx, event.id, event.versionId, resource));
    if (
      changed &&
      before?.patientId !== undefined &&
      directory.lookup(event.id)?.patientId !== before.patientId
    ) {
      options.monitor.forgetDevice(event.id);
    }
  }

  async function onObservation(message: DeliveredMessage): Promise<void> {
    if (!isEvent(message.data) || message.subject.endsWith('.deleted')) return;
    if (message.subject.endsWith('.created') && options.own?.take(message.data.id)) return;
    const resource = await readVersion(peers, message.data);
    if (!resource || isMonitoringOrigin(resource) || isNews2Observation(resource)) return;
    const patientId = observationPatient(resource);
    if (!patientId) return;
    const sourceId = `fhir/Observation/${message.data.id}`;
    await options.pipeline.ingestFromRecords(patientId, sourceId, vitalsFromObservation(resource, sourceId));
  }

  const handle =
    (what: string, fn: (m: DeliveredMessage) => Promise<void>) => async (m: DeliveredMessage) => {
      try {
        await fn(m);
      } catch (error) {
        logger.warn({ err: error, subject: m.subject }, `${what} event not applied; it will be redelivered`);
        throw error;
      }
    };

  return Promise.all([
    bus.subscribe({
      subject: 'fhir.Device.*',
      group: 'monitoring-devices',
      handler: handle('device', onDevice),
    }),
    bus.subscribe({
      subject: 'fhir.Observation.*',
      group: 'monitoring-observations',
      concurrency: 8,
      handler: handle('observation', onObservation),
    }),
  ]);
}
