// JetStream resources of the NATS adapter: the stream capturing `<prefix>.>`, and one durable pull
// consumer per (group, filter).
import { createHash } from 'node:crypto';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { DeliveryPolicy } from './delivery-policy.ts';

export interface StreamSettings {
  stream: string;
  subjectPrefix: string;
  duplicateWindowMs: number;
  maxAgeMs: number;
  replicas: number;
}

/** Creates the stream, or updates it to these settings when it exists. */
export async function ensureStream(jsm: JetStreamManager, settings: StreamSettings): Promise<void> {
  const config: Partial<StreamConfig> = {
    subjects: [`${settings.subjectPrefix}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(settings.maxAgeMs),
    duplicate_window: nanos(Math.min(settings.duplicateWindowMs, settings.maxAgeMs)),
    num_replicas: settings.replicas,
  };
  try {
    await jsm.streams.info(settings.stream);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
    await jsm.streams.add({ ...config, name: settings.stream });
    return;
  }
  await jsm.streams.update(settings.stream, config);
}

/**
 * Durable names allow no '.', '*' or '>', so the filter is folded into a short hash: the same
 * (group, filter) always maps to the same consumer, different filters never share one.
 */
export function durableName(group: string, filter: string): string {
  return `${group}-${createHash('sha256').update(filter).digest('hex').slice(0, 12)}`;
}

/** Creates the group's durable consumer, or updates its ack wait and max deliveries. */
export async function ensureGroupConsumer(
  jsm: JetStreamManager,
  stream: string,
  name: string,
  filterSubject: string,
  policy: DeliveryPolicy,
): Promise<void> {
  const settings = { ack_wait: nanos(policy.ackWaitMs), max_deliver: policy.maxDeliver };
  try {
    const info = await jsm.consumers.info(stream, name);
    if (info.config.ack_wait !== settings.ack_wait || info.config.max_deliver !== settings.max_deliver) {
      await jsm.consumers.update(stream, name, settings);
    }
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound))
      throw error;
    await jsm.consumers.add(stream, {
      ...settings,
      durable_name: name,
      filter_subject: filterSubject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
  }
}
