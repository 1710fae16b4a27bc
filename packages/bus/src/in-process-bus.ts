// The embedded mode's bus: durable in the SQL database (PGlite in the all-in-one process, or
// PostgreSQL), with the same delivery semantics as the NATS adapter and in-process push on publish.
import { randomUUID } from 'node:crypto';
import { type Database, migrate } from '@healthlane/store';
import type { Bus, OutgoingMessage, PublishOptions, SubscribeOptions, Subscription } from './bus-port.ts';
import { deliveryPolicy } from './delivery-policy.ts';
import { createMessageLog } from './in-process-log.ts';
import { busMigrations } from './in-process-schema.ts';
import { type LocalSubscription, startBroadcastLoop, startGroupLoop } from './in-process-subscription.ts';
import { type BusLogger, errorFields, silentLogger } from './logger.ts';
import { assertGroupName, assertSubject, filterPattern } from './subject.ts';
import { headersKeepingTraceContext, headersWithTraceContext } from './trace-context.ts';

export interface InProcessBusOptions {
  db: Database;
  logger?: BusLogger;
  /** Retention: messages older than this are deleted. It is also the de-duplication window. Default 7 days. */
  maxAgeMs?: number;
  /**
   * How often idle subscribers look for work a local publish did not announce (messages from other
   * processes sharing a PostgreSQL database). Default 1 s on PostgreSQL, 10 s on PGlite.
   */
  pollIntervalMs?: number;
  /** Message ids for publishes without one. Default `randomUUID`. */
  newId?: () => string;
}

const defaultMaxAgeMs = 7 * 24 * 3_600_000;

// Subscribers by database rather than by bus, so a publish through any bus instance on the same
// Database (several services in one process) wakes them all without waiting for a poll.
const subscribersByDatabase = new WeakMap<Database, Set<LocalSubscription>>();
const maxSweepIntervalMs = 60_000;

/** Creates the `bus` schema if needed (migrations under namespace 'bus') and returns the bus. */
export async function createInProcessBus(options: InProcessBusOptions): Promise<Bus> {
  const { db } = options;
  const logger = options.logger ?? silentLogger;
  const maxAgeMs = options.maxAgeMs ?? defaultMaxAgeMs;
  const newId = options.newId ?? randomUUID;
  const context = {
    log: createMessageLog(db),
    logger,
    pollIntervalMs: options.pollIntervalMs ?? (db.dialect === 'pglite' ? 10_000 : 1_000),
  };
  await migrate(db, 'bus', busMigrations);

  const subscriptions = new Set<LocalSubscription>();
  const neighbours = subscribersByDatabase.get(db) ?? new Set<LocalSubscription>();
  subscribersByDatabase.set(db, neighbours);
  let closed = false;
  let closing: Promise<void> | undefined;

  const sweep = async () => {
    try {
      const deleted = await context.log.deleteOlderThan(maxAgeMs);
      if (deleted > 0) logger.debug({ deleted }, 'bus retention removed old messages');
    } catch (error) {
      logger.warn(errorFields(error), 'bus retention sweep failed');
    }
  };
  await sweep();
  const sweeper = setInterval(sweep, Math.min(maxAgeMs, maxSweepIntervalMs));
  sweeper.unref();

  function wakeMatching(subjects: readonly string[]): void {
    const distinct = new Set(subjects);
    for (const subscription of neighbours) {
      for (const subject of distinct) {
        if (subscription.matches(subject)) {
          subscription.wake();
          break;
        }
      }
    }
  }

  function assertOpen(): void {
    if (closed) throw new Error('bus is closed');
  }

  return {
    kind: 'in-process',

    async publish(subject: string, data: unknown, publishOptions: PublishOptions = {}): Promise<void> {
      assertOpen();
      assertSubject(subject);
      const id = publishOptions.id ?? newId();
      const payload = JSON.stringify(data) ?? 'null';
      const stored = await context.log.append(
        id,
        subject,
        payload,
        headersWithTraceContext(publishOptions.headers),
      );
      if (!stored) {
        logger.debug({ subject, messageId: id }, 'bus publish de-duplicated');
        return;
      }
      wakeMatching([subject]);
    },

    async publishBatch(messages: readonly OutgoingMessage[]): Promise<void> {
      assertOpen();
      for (const message of messages) assertSubject(message.subject);
      const stored = await context.log.appendMany(
        messages.map((message) => ({
          id: message.id ?? newId(),
          subject: message.subject,
          data: JSON.stringify(message.data) ?? 'null',
          headers: headersKeepingTraceContext(message.headers),
        })),
      );
      if (stored.length < messages.length) {
        logger.debug({ skipped: messages.length - stored.length }, 'bus batch publish de-duplicated');
      }
      wakeMatching(stored);
    },

    async subscribe<T = unknown>(subscribeOptions: SubscribeOptions<T>): Promise<Subscription> {
      assertOpen();
      const policy = deliveryPolicy(subscribeOptions);
      const pattern = filterPattern(subscribeOptions.subject);
      let local: LocalSubscription;
      if (subscribeOptions.group === undefined) {
        const startAfter = await context.log.latestSeq();
        local = startBroadcastLoop(
          context,
          subscribeOptions.subject,
          pattern,
          startAfter,
          subscribeOptions,
          policy,
        );
      } else {
        assertGroupName(subscribeOptions.group);
        const ref = { group: subscribeOptions.group, filter: subscribeOptions.subject, pattern };
        await context.log.ensureGroup(ref);
        local = startGroupLoop(context, ref, subscribeOptions, policy);
      }
      subscriptions.add(local);
      neighbours.add(local);
      return {
        async close() {
          subscriptions.delete(local);
          neighbours.delete(local);
          await local.close();
        },
      };
    },

    async ping(): Promise<void> {
      assertOpen();
      await db.ping();
    },

    close() {
      closing ??= (async () => {
        closed = true;
        clearInterval(sweeper);
        await Promise.all([...subscriptions].map((subscription) => subscription.close()));
        for (const subscription of subscriptions) neighbours.delete(subscription);
        subscriptions.clear();
      })();
      return closing;
    },
  };
}
