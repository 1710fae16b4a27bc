// Tables of the in-process bus, in schema `bus`: the message log, and per group a cursor plus the
// leases of deliveries not yet acknowledged.
import type { Migration } from '@healthlane/store';

export const busMigrations: Migration[] = [
  {
    version: 1,
    name: 'create-message-log',
    sql: `
      CREATE SCHEMA IF NOT EXISTS bus;
      CREATE TABLE bus.messages (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        subject text NOT NULL,
        data text NOT NULL,
        headers jsonb NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX messages_published_at ON bus.messages (published_at);
      CREATE TABLE bus.groups (
        name text NOT NULL,
        filter text NOT NULL,
        cursor bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (name, filter)
      );
      CREATE TABLE bus.leases (
        group_name text NOT NULL,
        filter text NOT NULL,
        seq bigint NOT NULL REFERENCES bus.messages (seq) ON DELETE CASCADE,
        delivery_count integer NOT NULL,
        visible_at timestamptz NOT NULL,
        dead_at timestamptz,
        PRIMARY KEY (group_name, filter, seq),
        FOREIGN KEY (group_name, filter) REFERENCES bus.groups (name, filter) ON DELETE CASCADE
      );
      CREATE INDEX leases_seq ON bus.leases (seq);
      CREATE INDEX leases_due ON bus.leases (group_name, filter, visible_at) WHERE dead_at IS NULL;
    `,
  },
];
