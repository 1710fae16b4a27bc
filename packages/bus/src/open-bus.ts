// Chooses the adapter from configuration: NATS JetStream when a URL is given, otherwise the
// in-process bus over the service's own database.
import type { Database } from '@healthlane/store';
import type { Bus } from './bus-port.ts';
import { createInProcessBus } from './in-process-bus.ts';
import type { BusLogger } from './logger.ts';
import { createNatsBus } from './nats-bus.ts';

export interface OpenBusOptions {
  /** NATS server URL(s); leave unset for the in-process bus. */
  natsUrl?: string;
  /** The database the in-process bus lives in (ignored with NATS). */
  db: Database;
  /** JetStream stream name. Default 'HEALTHLANE'. */
  stream?: string;
  /** Internal subject namespace on NATS. Default 'healthlane'. */
  subjectPrefix?: string;
  /** Servers the stream is stored on, in a NATS cluster. Default 1. */
  streamReplicas?: number;
  /** De-duplication window on NATS. Default 2 minutes. */
  duplicateWindowMs?: number;
  logger?: BusLogger;
}

export function openBus(options: OpenBusOptions): Promise<Bus> {
  if (options.natsUrl) {
    return createNatsBus({
      url: options.natsUrl,
      stream: options.stream ?? 'HEALTHLANE',
      subjectPrefix: options.subjectPrefix ?? 'healthlane',
      duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
      replicas: options.streamReplicas ?? 1,
      logger: options.logger,
    });
  }
  return createInProcessBus({ db: options.db, logger: options.logger });
}
