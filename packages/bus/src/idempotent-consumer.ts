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
