// The event bus port: publish and subscribe, written once and implemented twice — in-process
// (durable in the embedded database) and NATS JetStream. One contract suite proves they agree.

/** Headers travel with a message; `traceparent` carries the W3C trace context across services. */
export type MessageHeaders = Record<string, string>;

export interface PublishOptions {
  /**
   * Message id used for de-duplication: publishing the same id twice within the bus's
   * de-duplication window stores the message once. Defaults to a fresh random id.
   */
  id?: string;
  headers?: MessageHeaders;
}

/** One message of a `publishBatch`. */
export interface OutgoingMessage {
  subject: string;
  data: unknown;
  /** As `PublishOptions.id`. */
  id?: string;
  headers?: MessageHeaders;
}

export interface DeliveredMessage<T = unknown> {
  id: string;
  /** Subject as published (without the adapter's internal namespace), e.g. 'fhir.Patient.created'. */
  subject: string;
  data: T;
  headers: MessageHeaders;
  /** 1 on first delivery, more on redelivery. */
  deliveryCount: number;
  publishedAt: Date;
}

export interface SubscribeOptions<T = unknown> {
  /**
   * Subject filter with NATS wildcards: '*' matches one token, '>' matches the rest,
   * e.g. 'fhir.*.created' or 'fhir.>'.
   */
  subject: string;
  /**
   * Durable consumer group. Every group receives each message once, shared among the group's
   * subscribers (queue semantics), and a group created later starts from the oldest retained
   * message. A group is identified by its name together with its subject filter. Without a group
   * the subscription is a live broadcast: every subscriber sees messages published after
   * `subscribe` resolved, nothing is retained for it, and a handler failure is logged, not retried.
   */
  group?: string;
  /**
   * Called once per delivery. Resolving acknowledges the message; throwing (or the process dying
   * before it resolves) makes the bus deliver it again after a back-off, up to `maxDeliver` times.
   */
  handler: (message: DeliveredMessage<T>) => Promise<void>;
  /**
   * Optional, group subscriptions only: handles several waiting deliveries at once, in stream
   * order (at most `batchSize`). Resolving acknowledges them all; throwing hands each message of the
   * batch to `handler` on its own, so one bad message holds back none of the others. Both handlers
   * must have the same effect: a consumer that commits a batch in one transaction does one round of
   * work for many messages. Each batch counts as one of the `concurrency` handlers.
   */
  handleBatch?: (messages: DeliveredMessage<T>[]) => Promise<void>;
  /** Most deliveries `handleBatch` receives at once. Default 100. */
  batchSize?: number;
  /** How long a delivery may stay unacknowledged before it is redelivered. Default 30 s. */
  ackWaitMs?: number;
  /** Deliveries before a message is given up (and logged as dead). Default 10. */
  maxDeliver?: number;
  /**
   * Wait before redelivering after the handler threw; doubles with each delivery, capped at one
   * minute. Default 1 s.
   */
  retryBackoffMs?: number;
  /**
   * Deliveries this subscriber handles at once. Default 1: one at a time, in stream order, and an
   * unfinished handler holds no further messages back from the group's other subscribers.
   */
  concurrency?: number;
}

export interface Subscription {
  /**
   * Stops receiving and waits briefly (up to the ack wait, at most 5 s) for running handlers;
   * deliveries still unacknowledged then become available to the group again at once.
   */
  close(): Promise<void>;
}

export interface Bus {
  readonly kind: 'in-process' | 'nats';
  /**
   * Resolves once the message is durably stored by the bus (JetStream PubAck, or committed row);
   * rejects once the bus is closed. To publish what a database transaction wrote, enqueue it in the
   * transactional outbox instead: it commits with the data.
   */
  publish(subject: string, data: unknown, options?: PublishOptions): Promise<void>;
  /**
   * Publishes the messages in this order, as calling `publish` for each in turn would, but in one
   * go (in-process: one multi-row INSERT; NATS: pipelined publishes, every PubAck awaited). Resolves
   * once all are durably stored. Rejects if any failed; some may then be stored, and a retry under
   * the same ids is de-duplicated. A message's own `traceparent` header is kept (the outbox relay
   * passes the writer's); the active trace context fills in only where it carries none.
   */
  publishBatch(messages: readonly OutgoingMessage[]): Promise<void>;
  subscribe<T = unknown>(options: SubscribeOptions<T>): Promise<Subscription>;
  /** Resolves when the bus is reachable; used by /readyz. */
  ping(): Promise<void>;
  /** Closes subscriptions, then the connection. Idempotent. */
  close(): Promise<void>;
}
