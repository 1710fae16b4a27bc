// The distributed mode's bus: NATS JetStream. One file-storage stream holds every subject under the
// adapter's prefix; groups are durable pull consumers, broadcasts are ordered consumers.
import { randomUUID } from 'node:crypto';
import { DeliverPolicy, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import type {
  Bus,
  MessageHeaders,
  OutgoingMessage,
  PublishOptions,
  SubscribeOptions,
  Subscription,
} from './bus-port.ts';
import { deliveryPolicy } from './delivery-policy.ts';
import { type BusLogger, errorFields, silentLogger } from './logger.ts';
import { durableName, ensureGroupConsumer, ensureStream } from './nats-stream.ts';
import { type NatsSubscription, startNatsBroadcastLoop, startNatsGroupLoop } from './nats-subscription.ts';
import { assertFilter, assertGroupName, assertSubject } from './subject.ts';
import { headersKeepingTraceContext, headersWithTraceContext } from './trace-context.ts';
import { settlesWithin } from './wakeup.ts';

export interface NatsBusOptions {
  /** One or more comma-separated server URLs, e.g. 'nats://nats:4222'. */
  url: string;
  /** JetStream stream name, e.g. 'HEALTHLANE'. */
  stream: string;
  /** Internal subject namespace, e.g. 'healthlane'; callers never see it. */
  subjectPrefix: string;
  /** Publishes with an id seen within this window are stored once. */
  duplicateWindowMs: number;
  /** Retention by age. Default 7 days. */
  maxAgeMs?: number;
  /** Stream replicas in a NATS cluster. Default 1. */
  replicas?: number;
  /** Time to wait for the PubAck. Default 5 s. */
  publishTimeoutMs?: number;
  logger?: BusLogger;
  /** Message ids for publishes without one. Default `randomUUID`. */
  newId?: () => string;
}

const defaultMaxAgeMs = 7 * 24 * 3_600_000;
const pingTimeoutMs = 2_000;
const encoder = new TextEncoder();

/** Connects (then reconnects forever), ensures the stream, and returns the bus. */
export async function createNatsBus(options: NatsBusOptions): Promise<Bus> {
  assertSubject(options.subjectPrefix);
  const logger = options.logger ?? silentLogger;
  const newId = options.newId ?? randomUUID;
  const prefix = `${options.subjectPrefix}.`;
  const nc = await connect({
    servers: options.url.split(','),
    name: 'healthlane-bus',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
  });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect')
        logger.warn({ status: status.type }, 'nats');
    }
  })().catch(() => {});
  const js = jetstream(nc);
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
    await ensureStream(jsm, {
      stream: options.stream,
      subjectPrefix: options.subjectPrefix,
      duplicateWindowMs: options.duplicateWindowMs,
      maxAgeMs: options.maxAgeMs ?? defaultMaxAgeMs,
      replicas: options.replicas ?? 1,
    });
  } catch (error) {
    // No JetStream, or a stream that cannot take these settings: fail the start, leak no connection.
    await nc.close();
    throw error;
  }

  const subscriptions = new Set<NatsSubscription>();
  const loopContext = { logger, subjectPrefix: prefix };
  let closed = false;
  let closing: Promise<void> | undefined;

  function send(subject: string, data: unknown, id: string, carried: MessageHeaders) {
    const headers = natsHeaders();
    for (const [key, value] of Object.entries(carried)) headers.set(key, value);
    return js.publish(prefix + subject, encoder.encode(JSON.stringify(data) ?? 'null'), {
      msgID: id,
      headers,
      timeout: options.publishTimeoutMs ?? 5_000,
    });
  }

  function assertOpen(): void {
    if (closed) throw new Error('bus is closed');
  }

  async function subscribeGroup<T>(group: string, subscribe: SubscribeOptions<T>) {
    const policy = deliveryPolicy(subscribe);
    const name = durableName(group, subscribe.subject);
    await ensureGroupConsumer(jsm, options.stream, name, prefix + subscribe.subject, policy);
    const consumer = await js.consumers.get(options.stream, name);
    const advisories = nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${options.stream}.${name}`, {
      callback: () => logger.error({ group }, 'bus message given up: ack wait expired too often'),
    });
    const loop = startNatsGroupLoop(loopContext, consumer, group, subscribe, policy);
    return {
      async close() {
        advisories.unsubscribe();
        await loop.close();
      },
    };
  }

  async function subscribeBroadcast<T>(subscribe: SubscribeOptions<T>) {
    // Start right after the last stored message, so "published after subscribe resolved" holds even
    // though the ordered consumer is created on the server asynchronously.
    const info = await jsm.streams.info(options.stream);
    const consumer = await js.consumers.get(options.stream, {
      filter_subjects: prefix + subscribe.subject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: info.state.last_seq + 1,
    });
    return startNatsBroadcastLoop(
      loopContext,
      await consumer.consume(),
      subscribe,
      deliveryPolicy(subscribe),
    );
  }

  return {
    kind: 'nats',

    async publish(subject: string, data: unknown, publishOptions: PublishOptions = {}): Promise<void> {
      assertOpen();
      assertSubject(subject);
      const id = publishOptions.id ?? newId();
      const ack = await send(subject, data, id, headersWithTraceContext(publishOptions.headers));
      if (ack.duplicate) logger.debug({ subject, messageId: id }, 'bus publish de-duplicated');
    },

    async publishBatch(messages: readonly OutgoingMessage[]): Promise<void> {
      assertOpen();
      for (const message of messages) assertSubject(message.subject);
      // Every request is written to the one connection in call order, so the stream stores them in
      // this order; all acks are awaited before the batch counts as published.
      const acks = await Promise.allSettled(
        messages.map((message) =>
          send(
            message.subject,
            message.data,
            message.id ?? newId(),
            headersKeepingTraceContext(message.headers),
          ),
        ),
      );
      const failed = acks.find((ack) => ack.status === 'rejected');
      if (failed) throw failed.reason;
      const duplicates = acks.filter((ack) => ack.status === 'fulfilled' && ack.value.duplicate).length;
      if (duplicates > 0) logger.debug({ duplicates }, 'bus batch publish de-duplicated');
    },

    async subscribe<T = unknown>(subscribe: SubscribeOptions<T>): Promise<Subscription> {
      assertOpen();
      assertFilter(subscribe.subject);
      if (subscribe.group !== undefined) assertGroupName(subscribe.group);
      const subscription =
        subscribe.group === undefined
          ? await subscribeBroadcast(subscribe)
          : await subscribeGroup(subscribe.group, subscribe);
      subscriptions.add(subscription);
      return {
        async close() {
          subscriptions.delete(subscription);
          await subscription.close();
        },
      };
    },

    async ping(): Promise<void> {
      assertOpen();
      // rtt() rejects at once while disconnected; the timeout covers a connection that drops mid-ping.
      const roundTrip = nc.rtt();
      if (!(await settlesWithin(roundTrip, pingTimeoutMs))) throw new Error('nats ping timed out');
      await roundTrip;
    },

    close() {
      closing ??= (async () => {
        closed = true;
        await Promise.all([...subscriptions].map((subscription) => subscription.close()));
        subscriptions.clear();
        // drain flushes pending acks before the connection closes.
        await nc.drain().catch((error) => {
          logger.warn(errorFields(error), 'nats drain failed; closing');
          return nc.close();
        });
      })();
      return closing;
    },
  };
}
