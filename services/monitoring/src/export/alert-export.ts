// Alerts into the patient's record: a durable bus group consumes monitoring's own
// `monitoring.alert.*` events (committed with each alert change through the outbox) and writes the
// alert's FHIR shape (alert-fhir.ts) to records in one transaction Bundle of PUTs. The Flag and
// DetectedIssue are written from the alert as stored now, not from the event's snapshot, so a
// redelivered older event never leaves an older state behind; the Communication comes from the
// event itself (its id from the event id). At least once, idempotent; the alert path never waits.
import type { Bus, DeliveredMessage, Subscription } from '@healthlane/bus';
import type { PeerTransport } from '@healthlane/kit';
import type { Logger } from 'pino';
import type { AlertEngine, AlertView } from '../alerts/alert-engine.ts';
import type { AlertEffect } from '../domain/alert-state.ts';
import { alertResources, notificationCommunication } from './alert-fhir.ts';

export interface AlertExportOptions {
  bus: Bus;
  peers: PeerTransport;
  alerts: Pick<AlertEngine, 'get'>;
  logger: Logger;
  onExported?: (resources: number) => void;
}

interface AlertEvent {
  alert: AlertView;
  event: AlertEffect;
}

function isAlertEvent(data: unknown): data is AlertEvent {
  const e = data as Partial<AlertEvent> | null;
  return (
    typeof e?.alert?.id === 'string' &&
    typeof e.alert.patient === 'string' &&
    typeof e.event?.type === 'string'
  );
}

export async function exportAlertsToRecords(options: AlertExportOptions): Promise<Subscription> {
  const { peers, logger } = options;

  async function onAlertEvent(message: DeliveredMessage): Promise<void> {
    if (!isAlertEvent(message.data)) return;
    const { alert: snapshot, event } = message.data;
    const current = (await options.alerts.get(snapshot.id)) ?? snapshot;
    const resources = alertResources(current);
    const communication = notificationCommunication(
      snapshot,
      event,
      message.id,
      message.publishedAt.toISOString(),
    );
    if (communication) resources.push(communication);
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: resources.map((resource) => ({
        resource,
        request: { method: 'PUT', url: `${String(resource.resourceType)}/${String(resource.id)}` },
      })),
    };
    const response = await peers.request({
      method: 'POST',
      path: '/fhir/R4',
      headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
      body: JSON.stringify(bundle),
    });
    if (response.status === 200) {
      options.onExported?.(resources.length);
      return;
    }
    // A refusal (4xx other than 429) will not heal by retrying: say so and let the event go.
    if (
      response.status >= 400 &&
      response.status < 500 &&
      response.status !== 429 &&
      response.status !== 401
    ) {
      logger.error({ status: response.status, subject: message.subject }, 'records refused an alert export');
      return;
    }
    throw new Error(`records answered ${response.status} to an alert export`);
  }

  return options.bus.subscribe({
    subject: 'monitoring.alert.*',
    group: 'monitoring-alert-export',
    handler: async (message) => {
      try {
        await onAlertEvent(message);
      } catch (error) {
        logger.warn(
          { err: error, subject: message.subject },
          'alert not exported to records; it will be redelivered',
        );
        throw error;
      }
    },
  });
}
