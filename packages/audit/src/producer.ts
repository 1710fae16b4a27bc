// The producer side of the audit trail: a service records AuditEvents into its own audit outbox,
// from where the outbox relay publishes them as `audit.<source>.<type>` to the audit service.
// Reads group-commit: events arriving within a few milliseconds share one transaction, and each
// caller resolves once its event is durable. Writes enqueue in the data's own transaction.
import { randomUUID } from 'node:crypto';
import { type Bus, type BusLogger, createOutbox, type OutboxStats, silentLogger } from '@healthlane/bus';
import type { Database, Transaction } from '@healthlane/store';
import type { AuditEvent } from './audit-event.ts';

export interface AuditProducerOptions {
  db: Database;
  bus: Bus;
  /** The producing service's name: the subject's second token and the observer. */
  source: string;
  /** Schema of the audit outbox (`<schema>.outbox`), kept apart from the service's data events. */
  schema: string;
  logger?: BusLogger;
  newId?: () => string;
  /**
   * How long the first event of a batch waits for company before the batch commits. Default 0: it
   * commits on the next turn of the event loop, and whatever arrives while that commit runs forms
   * the next batch — batches grow with load, and a lone read pays no fixed delay.
   */
  flushDelayMs?: number;
  /** Events per group commit at most. Default 256. */
  maxBatch?: number;
  /**
   * How often the relay looks for recorded events. Default 250 ms. `record()` does not wake the
   * relay: under a stream of reads it publishes them in batches rather than one pass per read.
   */
  pollIntervalMs?: number;
}

export interface AuditProducer {
  /** Creates the audit outbox (`<schema>.outbox`). */
  migrate(): Promise<void>;
  /** Starts relaying to the bus. */
  start(): void;
  /** Commits what is buffered, then stops the relay. */
  stop(): Promise<void>;
  /**
   * Records `event` durably: buffered, committed with the other events of its batch, resolved with
   * the event id once committed; rejects if the batch could not be committed.
   */
  record(event: AuditEvent): Promise<string>;
  /** Records `event` in the caller's transaction (with the data it describes); call `kick()` after commit. */
  enqueue(tx: Transaction, event: AuditEvent): Promise<string>;
  /**
   * The INSERT `enqueue` runs, for a caller folding it into a statement of its own (see the
   * outbox's `insertSql`); its parameters are pushed onto `params`. Call `kick()` after commit.
   */
  insertSql(event: AuditEvent, params: unknown[]): { sql: string; id: string };
  kick(): void;
  stats(): Promise<OutboxStats>;
}

interface Waiting {
  id: string;
  event: AuditEvent;
  resolve: (id: string) => void;
  reject: (error: unknown) => void;
}

/** `audit.<source>.<type code>`: tokens safe for both bus adapters. */
export function auditSubject(source: string, event: AuditEvent): string {
  const token = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
  return `audit.${token(source)}.${token(event.type.code)}`;
}

export function createAuditProducer(options: AuditProducerOptions): AuditProducer {
  const { db, source } = options;
  const logger = options.logger ?? silentLogger;
  const newId = options.newId ?? randomUUID;
  const flushDelayMs = options.flushDelayMs ?? 0;
  const maxBatch = options.maxBatch ?? 256;
  const outbox = createOutbox({
    db,
    bus: options.bus,
    schema: options.schema,
    logger,
    newId,
    pollIntervalMs: options.pollIntervalMs ?? 250,
  });

  const buffer: Waiting[] = [];
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  let committing: Promise<void> | undefined;

  const stamped = (event: AuditEvent, id: string): AuditEvent => ({ ...event, id });

  async function commit(batch: Waiting[]): Promise<void> {
    try {
      // One multi-row INSERT for the whole batch: one statement, one commit (one fsync).
      await outbox.enqueueMany(
        db,
        batch.map((waiting) => ({
          subject: auditSubject(source, waiting.event),
          data: stamped(waiting.event, waiting.id),
          id: waiting.id,
        })),
      );
      for (const waiting of batch) waiting.resolve(waiting.id);
    } catch (error) {
      logger.warn({ source, events: batch.length }, 'audit events could not be committed');
      for (const waiting of batch) waiting.reject(error);
    }
  }

  /** At most one group commit runs at a time; what arrives meanwhile forms the next batch. */
  function flush(): void {
    if (timer !== undefined) {
      if (flushDelayMs === 0) clearImmediate(timer as NodeJS.Immediate);
      else clearTimeout(timer as NodeJS.Timeout);
      timer = undefined;
    }
    if (committing !== undefined || buffer.length === 0) return;
    const batch = buffer.splice(0, maxBatch);
    committing = commit(batch).finally(() => {
      committing = undefined;
      if (buffer.length > 0) flush();
    });
  }

  function schedule(): void {
    if (buffer.length >= maxBatch) flush();
    else if (timer === undefined && committing === undefined) {
      timer = flushDelayMs === 0 ? setImmediate(flush) : setTimeout(flush, flushDelayMs);
    }
  }

  async function drain(): Promise<void> {
    flush();
    while (committing !== undefined) {
      await committing;
      flush();
    }
  }

  return {
    migrate: () => outbox.migrate(),
    start: () => outbox.start(),
    async stop() {
      await drain();
      await outbox.stop();
    },
    record(event) {
      return new Promise<string>((resolve, reject) => {
        buffer.push({ id: newId(), event, resolve, reject });
        schedule();
      });
    },
    async enqueue(tx, event) {
      const id = newId();
      return outbox.enqueue(tx, auditSubject(source, event), stamped(event, id), { id });
    },
    insertSql(event, params) {
      const id = newId();
      const { sql } = outbox.insertSql(
        [{ subject: auditSubject(source, event), data: stamped(event, id), id }],
        params,
      );
      return { sql, id };
    },
    kick: () => outbox.kick(),
    stats: () => outbox.stats(),
  };
}
