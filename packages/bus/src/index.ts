// Public API of @healthlane/bus: the port, both adapters, the transactional outbox and idempotent consumers.
export type {
  Bus,
  DeliveredMessage,
  MessageHeaders,
  OutgoingMessage,
  PublishOptions,
  SubscribeOptions,
  Subscription,
} from './bus-port.ts';
export {
  type IdempotentBatchOptions,
  type IdempotentOptions,
  idempotent,
  idempotentBatch,
  migrateProcessedEvents,
  processedEventsMigrations,
} from './idempotent-consumer.ts';
export { createInProcessBus, type InProcessBusOptions } from './in-process-bus.ts';
export { busMigrations } from './in-process-schema.ts';
export { type BusLogger, silentLogger } from './logger.ts';
export { createNatsBus, type NatsBusOptions } from './nats-bus.ts';
export { type OpenBusOptions, openBus } from './open-bus.ts';
export {
  createOutbox,
  type EnqueueOptions,
  type Outbox,
  type OutboxEvent,
  type OutboxOptions,
  type OutboxStats,
} from './outbox.ts';
export { outboxMigrations } from './outbox-schema.ts';
export { subjectMatches } from './subject.ts';
