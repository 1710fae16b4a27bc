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

  function dispatch(message: LoggedMessage): void {
    const done = (async () => {
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
    })().finally(() => {
      inFlight.delete(message.seq);
      wakeup.wake();
    });
    inFlight.set(message.seq, { deliveryCount: message.deliveryCount, done });
  }

  const loop = (async () => {
    while (!closed) {
      let waitMs = context.pollIntervalMs;
      const room = policy.concurrency - inFlight.size;
      if (room > 0) {
        try {
          const claim = await log.claim(ref, room, policy);
          for (const id of claim.dead) {
            logger.error(
              { group: ref.group, messageId: id },
              'bus message given up: ack wait expired too often',
            );
          }
          for (const message of claim.messages) {
            // Claimed while closing: hand it straight back instead of letting its lease run out.
            if (closed) await log.retryAfter(ref, message.seq, message.deliveryCount, 0);
            else dispatch(message);
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
