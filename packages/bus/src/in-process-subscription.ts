// Delivery loops of the in-process bus: a group subscriber claims leased deliveries from the log and
// settles them; a broadcast subscriber follows the log from where it subscribed. Both wake at once on
// a local publish and otherwise poll (for lease expiries, and publishers in other processes).
import type { DeliveredMessage, SubscribeOptions } from './bus-port.ts';
import { closeGraceMs, type DeliveryPolicy, retryDelayMs } from './delivery-policy.ts';
import type { GroupRef, LoggedMessage, MessageLog } from './in-process-log.ts';
import { type BusLogger, errorFields } from './logger.ts';
import { runInTraceContext } from './trace-context.ts';
import { createWakeup, settlesWithin } from './wakeup.ts';

export interface LoopContext {
  log: MessageLog;
  logger: BusLogger;
  pollIntervalMs: number;
}

export interface LocalSubscription {
  /** True when a message on `subject` may concern this subscriber. */
  matches(subject: string): boolean;
  wake(): void;
  close(): Promise<void>;
}

const broadcastBatch = 100;

type BatchHandler<T> = NonNullable<SubscribeOptions<T>['handleBatch']>;

export function startGroupLoop<T>(
  context: LoopContext,
  ref: GroupRef,
  options: SubscribeOptions<T>,
  policy: DeliveryPolicy,
): LocalSubscription {
  const { log, logger } = context;
  const matcher = new RegExp(ref.pattern);
  const wakeup = createWakeup();
  const inFlight = new Map<number, { deliveryCount: number; done: Promise<void> }>();
  /** Handler units running: single deliveries, or batches when `handleBatch` is given. */
  let units = 0;
  let closed = false;
  let closing: Promise<void> | undefined;
  const fields = (message: LoggedMessage) => ({
    subject: message.subject,
    messageId: message.id,
    group: ref.group,
    deliveryCount: message.deliveryCount,
  });

  async function settle(message: LoggedMessage, failure: unknown): Promise<void> {
    if (failure === undefined) return log.ack(ref, message.seq);
    if (message.deliveryCount >= policy.maxDeliver) {
      logger.error({ ...fields(message), ...errorFields(failure) }, 'bus handler failed; message given up');
      return log.markDead(ref, message.seq, message.deliveryCount);
    }
    logger.warn(
      { ...fields(message), ...errorFields(failure) },
      'bus handler failed; message will be retried',
    );
    return log.retryAfter(
      ref,
      message.seq,
      message.deliveryCount,
      retryDelayMs(policy, message.deliveryCount),
    );
  }

  /** Handles one delivery through `handler` and settles it. */
  async function handleOne(message: LoggedMessage): Promise<void> {
    let failure: unknown;
    try {
      await runInTraceContext(message.headers, () => options.handler(toDelivered<T>(message)));
    } catch (error) {
      failure = error ?? new Error('handler threw a nullish value');
    }
    try {
      await settle(message, failure);
    } catch (error) {
      // The lease then simply expires and the message comes again.
      logger.warn({ ...fields(message), ...errorFields(error) }, 'bus could not settle a delivery');
    }
  }

  /** Handles deliveries through `handleBatch`, acknowledged together; one by one if it throws. */
  async function handleMany(messages: LoggedMessage[], handleBatch: BatchHandler<T>): Promise<void> {
    let failure: unknown;
    try {
      await handleBatch(messages.map((message) => toDelivered<T>(message)));
    } catch (error) {
      failure = error ?? new Error('handler threw a nullish value');
    }
    if (failure === undefined) {
      try {
        await log.ackMany(
          ref,
          messages.map((message) => message.seq),
        );
      } catch (error) {
        logger.warn(
          { group: ref.group, count: messages.length, ...errorFields(error) },
          'bus could not settle a batch',
        );
      }
      return;
    }
    logger.warn(
      { group: ref.group, count: messages.length, ...errorFields(failure) },
      'bus batch handler failed; handling its messages one by one',
    );
    for (const message of messages) {
      if (closed) return; // close() hands the rest back
      await handleOne(message);
      inFlight.delete(message.seq);
    }
  }

  /** Runs one handler unit (a delivery, or a batch of them) as one of the `concurrency` slots. */
  function dispatch(messages: LoggedMessage[]): void {
    const handleBatch = options.handleBatch;
    const done = (
      handleBatch !== undefined && messages.length > 1
        ? handleMany(messages, handleBatch)
        : Promise.all(messages.map(handleOne)).then(() => {})
    ).finally(() => {
      for (const message of messages) inFlight.delete(message.seq);
      units -= 1;
      wakeup.wake();
    });
    units += 1;
    for (const message of messages) inFlight.set(message.seq, { deliveryCount: message.deliveryCount, done });
  }

  const loop = (async () => {
    while (!closed) {
      let waitMs = context.pollIntervalMs;
      const room = policy.concurrency - units;
      if (room > 0) {
        try {
          const claim = await log.claim(ref, options.handleBatch ? policy.batchSize : room, policy);
          for (const id of claim.dead) {
            logger.error(
              { group: ref.group, messageId: id },
              'bus message given up: ack wait expired too often',
            );
          }
          if (closed) {
            // Claimed while closing: hand them straight back instead of letting their leases run out.
            for (const message of claim.messages) {
              await log.retryAfter(ref, message.seq, message.deliveryCount, 0);
            }
          } else if (options.handleBatch) {
            if (claim.messages.length > 0) dispatch(claim.messages);
          } else {
            for (const message of claim.messages) dispatch([message]);
          }
          if (claim.nextDueMs !== undefined) waitMs = Math.min(waitMs, claim.nextDueMs + 1);
        } catch (error) {
          if (closed) break;
          logger.warn({ group: ref.group, ...errorFields(error) }, 'bus claim failed; retrying');
        }
      }
      if (!closed) await wakeup.wait(waitMs);
    }
  })();

  return {
    matches: (subject) => matcher.test(subject),
    wake: () => wakeup.wake(),
    close() {
      closing ??= (async () => {
        closed = true;
        wakeup.wake();
        await loop;
        await settlesWithin(Promise.all([...inFlight.values()].map((d) => d.done)), closeGraceMs(policy));
        // Hand unfinished deliveries back to the group now rather than after their lease expires.
        for (const [seq, delivery] of inFlight) {
          await log.retryAfter(ref, seq, delivery.deliveryCount, 0).catch(() => {});
        }
      })();
      return closing;
    },
  };
}

export function startBroadcastLoop<T>(
  context: LoopContext,
  filter: string,
  pattern: string,
  startAfter: number,
  options: SubscribeOptions<T>,
  policy: DeliveryPolicy,
): LocalSubscription {
  const { log, logger } = context;
  const matcher = new RegExp(pattern);
  const wakeup = createWakeup();
  let cursor = startAfter;
  let closed = false;
  let closing: Promise<void> | undefined;

  const loop = (async () => {
    while (!closed) {
      try {
        const batch = await log.readAfter(cursor, pattern, broadcastBatch);
        for (const message of batch.messages) {
          if (closed) return;
          await runInTraceContext(message.headers, () => options.handler(toDelivered<T>(message))).catch(
            (error) =>
              logger.warn(
                { subject: message.subject, messageId: message.id, ...errorFields(error) },
                'bus broadcast handler failed',
              ),
          );
          cursor = message.seq;
        }
        cursor = batch.cursor;
        if (batch.messages.length === broadcastBatch) continue;
      } catch (error) {
        if (closed) return;
        logger.warn({ filter, ...errorFields(error) }, 'bus broadcast read failed; retrying');
      }
      if (!closed) await wakeup.wait(context.pollIntervalMs);
    }
  })();

  return {
    matches: (subject) => matcher.test(subject),
    wake: () => wakeup.wake(),
    close() {
      closing ??= (async () => {
        closed = true;
        wakeup.wake();
        await settlesWithin(loop, closeGraceMs(policy));
      })();
      return closing;
    },
  };
}

function toDelivered<T>(message: LoggedMessage): DeliveredMessage<T> {
  return {
    id: message.id,
    subject: message.subject,
    data: JSON.parse(message.data) as T,
    headers: message.headers,
    deliveryCount: message.deliveryCount,
    publishedAt: message.publishedAt,
  };
}
