// Idempotent consumers: a message's effect and the record that it was processed commit in one
// transaction, so a redelivered or replayed message changes nothing.
import { type Database, type Migration, migrate, type Transaction } from '@healthlane/store';
import type { DeliveredMessage } from './bus-port.ts';
import { schemaName } from './sql-identifier.ts';

export interface IdempotentOptions<T> {
  db: Database;
  /** The consuming service's schema; the table is `<schema>.processed_events`. */
  schema: string;
  /** Names this consumer, so several consumers in one schema each process a message once. */
  consumer: string;
  /** Applies the message using `tx` only; its writes commit together with the processed mark. */
  handle: (tx: Transaction, message: DeliveredMessage<T>) => Promise<void>;
}

export function processedEventsMigrations(schema: string): Migration[] {
  const s = schemaName(schema);
  return [
    {
      version: 1,
      name: 'create-processed-events',
      sql: `
        CREATE SCHEMA IF NOT EXISTS ${s};
        CREATE TABLE ${s}.processed_events (
          consumer text NOT NULL,
          event_id text NOT NULL,
          processed_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (consumer, event_id)
        );
        CREATE INDEX processed_events_processed_at ON ${s}.processed_events (processed_at);
      `,
    },
  ];
}

/** Creates `<schema>.processed_events` (migration namespace `<schema>_processed_events`). */
export async function migrateProcessedEvents(db: Database, schema: string): Promise<void> {
  await migrate(db, `${schemaName(schema)}_processed_events`, processedEventsMigrations(schema));
}

/** Wraps `handle` into a subscribe handler that applies each message id at most once per consumer. */
export function idempotent<T>(
  options: IdempotentOptions<T>,
): (message: DeliveredMessage<T>) => Promise<void> {
  const schema = schemaName(options.schema);
  return async (message) => {
    await options.db.transaction(async (tx) => {
      // On PostgreSQL a concurrent duplicate waits here for the first to commit, then inserts nothing.
      const { rowCount } = await tx.query(
        `INSERT INTO ${schema}.processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [options.consumer, message.id],
      );
      if (rowCount === 1) await options.handle(tx, message);
    });
  };
}

export interface IdempotentBatchOptions<T> extends Omit<IdempotentOptions<T>, 'handle'> {
  /** Applies the messages not processed before, in order, using `tx` only. */
  handle: (tx: Transaction, messages: DeliveredMessage<T>[]) => Promise<void>;
}

/**
 * A `handleBatch` for subscribe: marks the whole batch processed with one multi-row INSERT and
 * applies, in one transaction, just the messages that were not processed before (a message id
 * repeated inside the batch counts once).
 */
export function idempotentBatch<T>(
  options: IdempotentBatchOptions<T>,
): (messages: DeliveredMessage<T>[]) => Promise<void> {
  const schema = schemaName(options.schema);
  return async (messages) => {
    if (messages.length === 0) return;
    await options.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ event_id: string }>(
        `INSERT INTO ${schema}.processed_events (consumer, event_id)
         SELECT DISTINCT $1, id FROM unnest($2::text[]) AS x(id)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [options.consumer, messages.map((message) => message.id)],
      );
      if (rows.length === 0) return;
      const fresh = new Set(rows.map((row) => row.event_id));
      const apply: DeliveredMessage<T>[] = [];
      for (const message of messages) {
        // The first delivery of each newly marked id; later copies in the batch are duplicates.
        if (fresh.delete(message.id)) apply.push(message);
      }
      await options.handle(tx, apply);
    });
  };
}
