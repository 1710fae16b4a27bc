// Delivery loops of the NATS adapter: a group subscriber fetches only as many messages as it has free
// handler slots (so a stuck handler holds nothing back from the group), a broadcast subscriber
// follows an ordered consumer. Both turn JetStream messages into the port's DeliveredMessage.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { DeliveredMessage, MessageHeaders, SubscribeOptions } from './bus-port.ts';
import { closeGraceMs, type DeliveryPolicy, retryDelayMs } from './delivery-policy.ts';
import { type BusLogger, errorFields } from './logger.ts';
import { runInTraceContext } from './trace-context.ts';
import { createWakeup, settlesWithin } from './wakeup.ts';

export interface NatsLoopContext {
  logger: BusLogger;
  /** Stripped from delivered subjects, e.g. 'healthlane.'. */
  subjectPrefix: string;
}

export interface NatsSubscription {
  close(): Promise<void>;
}

const fetchExpiresMs = 5_000;
const errorPauseMs = 1_000;
const decoder = new TextDecoder();

type BatchHandler<T> = NonNullable<SubscribeOptions<T>['handleBatch']>;

export function startNatsGroupLoop<T>(
  context: NatsLoopContext,
  consumer: Consumer,
  group: string,
  options: SubscribeOptions<T>,
  policy: DeliveryPolicy,
): NatsSubscription {
  const { logger } = context;
  const wakeup = createWakeup();
  const stop = new AbortController();
  const inFlight = new Map<JsMsg, Promise<void>>();
  /** Handler units running: single deliveries, or batches when `handleBatch` is given. */
  let units = 0;
  let fetching: ConsumerMessages | undefined;
  let closing: Promise<void> | undefined;

  async function handleOne(msg: JsMsg): Promise<void> {
    const fields = { subject: msg.subject, group, deliveryCount: msg.info.deliveryCount };
    let message: DeliveredMessage<T>;
    try {
      message = toDelivered<T>(context, msg);
    } catch (error) {
      logger.error({ ...fields, ...errorFields(error) }, 'bus message undecodable; terminated');
      return msg.term('undecodable');
    }
    try {
      await runInTraceContext(message.headers, () => options.handler(message));
      msg.ack();
    } catch (error) {
      const logFields = { ...fields, messageId: message.id, ...errorFields(error) };
      if (message.deliveryCount >= policy.maxDeliver) {
        logger.error(logFields, 'bus handler failed; message given up');
        msg.term('max deliveries');
      } else {
        logger.warn(logFields, 'bus handler failed; message will be retried');
        msg.nak(retryDelayMs(policy, message.deliveryCount));
      }
    }
  }

  /** `handleBatch` over the decodable messages, all acknowledged on success; one by one if it throws. */
  async function handleMany(msgs: JsMsg[], handleBatch: BatchHandler<T>): Promise<void> {
    let messages: DeliveredMessage<T>[];
    try {
      messages = msgs.map((msg) => toDelivered<T>(context, msg));
    } catch {
      for (const msg of msgs) await handleOne(msg); // terminates the undecodable one, handles the rest
      return;
    }
    try {
      await handleBatch(messages);
    } catch (error) {
      logger.warn(
        { group, count: msgs.length, ...errorFields(error) },
        'bus batch handler failed; handling its messages one by one',
      );
      for (const msg of msgs) {
        if (stop.signal.aborted) return; // close() hands the rest back
        await handleOne(msg);
        inFlight.delete(msg);
      }
      return;
    }
    for (const msg of msgs) msg.ack();
  }

  /** Runs one handler unit (a delivery, or a batch of them) as one of the `concurrency` slots. */
  function dispatch(msgs: JsMsg[]): void {
    const handleBatch = options.handleBatch;
    const done = (
      handleBatch !== undefined && msgs.length > 1
        ? handleMany(msgs, handleBatch)
        : Promise.all(msgs.map(handleOne)).then(() => {})
    )
      .catch((error) => logger.warn(errorFields(error), 'bus could not settle a delivery'))
      .finally(() => {
        for (const msg of msgs) inFlight.delete(msg);
        units -= 1;
        wakeup.wake();
      });
    units += 1;
    for (const msg of msgs) inFlight.set(msg, done);
  }

  // With `handleBatch`, what one fetch delivers in the same turn of the event loop (up to
  // `batchSize`) goes to the handler together: nothing waits for a batch to fill.
  let pending: JsMsg[] = [];
  let flushScheduled = false;
  function flush(): void {
    flushScheduled = false;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    dispatch(batch);
  }
  function collect(msg: JsMsg): void {
    if (options.handleBatch === undefined) {
      dispatch([msg]);
      return;
    }
    pending.push(msg);
    if (pending.length >= policy.batchSize) flush();
    else if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  }

  const loop = (async () => {
    while (!stop.signal.aborted) {
      const room = policy.concurrency - units;
      if (room <= 0) {
        await wakeup.wait(fetchExpiresMs);
        continue;
      }
      try {
        const most = options.handleBatch ? policy.batchSize : room;
        fetching = await consumer.fetch({ max_messages: most, expires: fetchExpiresMs });
        for await (const msg of fetching) {
          // Fetched after close began: give it straight back to the group.
          if (stop.signal.aborted) msg.nak();
          else collect(msg);
        }
        flush();
      } catch (error) {
        if (stop.signal.aborted) break;
        logger.warn({ group, ...errorFields(error) }, 'bus fetch failed; retrying');
        await sleep(errorPauseMs, undefined, { signal: stop.signal }).catch(() => {});
      } finally {
        fetching = undefined;
      }
    }
  })();

  return {
    close() {
      closing ??= (async () => {
        stop.abort();
        wakeup.wake();
        await fetching?.close();
        await loop;
        await settlesWithin(Promise.all(inFlight.values()), closeGraceMs(policy));
        // Hand unfinished deliveries back to the group now rather than after ack wait.
        for (const msg of inFlight.keys()) msg.nak();
      })();
      return closing;
    },
  };
}

export function startNatsBroadcastLoop<T>(
  context: NatsLoopContext,
  messages: ConsumerMessages,
  options: SubscribeOptions<T>,
  policy: DeliveryPolicy,
): NatsSubscription {
  const { logger } = context;
  let closed = false;
  let closing: Promise<void> | undefined;
  const loop = (async () => {
    try {
      for await (const msg of messages) {
        if (closed) break;
        try {
          const message = toDelivered<T>(context, msg);
          await runInTraceContext(message.headers, () => options.handler(message));
        } catch (error) {
          logger.warn({ subject: msg.subject, ...errorFields(error) }, 'bus broadcast handler failed');
        }
      }
    } catch (error) {
      if (!closed) logger.error(errorFields(error), 'bus broadcast subscription ended');
    }
  })();
  return {
    close() {
      closing ??= (async () => {
        closed = true;
        await messages.close();
        await settlesWithin(loop, closeGraceMs(policy));
      })();
      return closing;
    },
  };
}

function toDelivered<T>(context: NatsLoopContext, msg: JsMsg): DeliveredMessage<T> {
  const headers: MessageHeaders = {};
  for (const key of msg.headers?.keys() ?? []) {
    // Nats-* headers are JetStream's own (Nats-Msg-Id, ...), not the publisher's.
    if (!key.toLowerCase().startsWith('nats-')) headers[key] = msg.headers?.get(key) ?? '';
  }
  return {
    id: msg.headers?.get('Nats-Msg-Id') || `${msg.info.stream}:${msg.seq}`,
    subject: msg.subject.startsWith(context.subjectPrefix)
      ? msg.subject.slice(context.subjectPrefix.length)
      : msg.subject,
    data: JSON.parse(decoder.decode(msg.data)) as T,
    headers,
    deliveryCount: msg.info.deliveryCount,
    // The stream's timestamp, from the delivery subject.
    publishedAt: msg.time,
  };
}
