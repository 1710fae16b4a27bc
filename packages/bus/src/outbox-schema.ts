// The outbox table a service keeps in its own schema: events committed with the data, awaiting relay.
import type { Migration } from '@healthlane/store';
import { schemaName } from './sql-identifier.ts';

export function outboxMigrations(schema: string): Migration[] {
  const s = schemaName(schema);
  return [
    {
      version: 1,
      name: 'create-outbox',
      sql: `
        CREATE SCHEMA IF NOT EXISTS ${s};
        CREATE TABLE ${s}.outbox (
          seq bigserial PRIMARY KEY,
          id text NOT NULL UNIQUE,
          subject text NOT NULL,
          data text NOT NULL,
          headers jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          -- A relay leases rows by moving this into the future; a crashed relay's lease just lapses.
          available_at timestamptz NOT NULL DEFAULT '-infinity',
          attempts integer NOT NULL DEFAULT 0
        );
      `,
    },
  ];
}
