// The audit schema: an inbox (events received, not yet chained), the append-only hash-chained log,
// its checkpoints and search index, triggers that refuse UPDATE/DELETE/TRUNCATE on them, and —
// where the connecting user may create roles — a writer role that may only INSERT and SELECT.
import type { Migration } from '@healthlane/store';

/** The role the appender switches to (SET LOCAL ROLE) for its writes; see README "Database enforcement". */
export const writerRole = 'healthlane_audit_writer';

const appendOnly = (table: string) => `
  CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON audit.${table}
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
  CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON audit.${table}
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
`;

export const auditMigrations: Migration[] = [
  {
    version: 1,
    name: 'create-audit-log',
    sql: `
      CREATE SCHEMA IF NOT EXISTS audit;
      CREATE TABLE audit.inbox (
        intake_seq bigserial PRIMARY KEY,
        event_id text NOT NULL UNIQUE,
        event text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE audit.log (
        seq bigint PRIMARY KEY CHECK (seq > 0),
        event_id text NOT NULL UNIQUE,
        recorded timestamptz NOT NULL,
        appended_at timestamptz NOT NULL,
        record text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL
      );
      CREATE INDEX log_recorded ON audit.log (recorded, seq);
      CREATE TABLE audit.checkpoint (
        seq bigint PRIMARY KEY,
        hash text NOT NULL,
        created_at timestamptz NOT NULL,
        signature text
      );
      CREATE TABLE audit.search_token (
        seq bigint NOT NULL,
        param text NOT NULL,
        value text NOT NULL
      );
      CREATE INDEX search_token_lookup ON audit.search_token (param, value text_pattern_ops, seq);
      CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit.% is append-only: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$;
      ${appendOnly('log')}
      ${appendOnly('checkpoint')}
      ${appendOnly('search_token')}
    `,
  },
  {
    version: 2,
    name: 'create-writer-role',
    sql: `
      DO $$
      BEGIN
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${writerRole}') THEN
            CREATE ROLE ${writerRole} NOLOGIN;
          END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
          NULL; -- created meanwhile by a replica, or by another database on the same server
        END;
        GRANT USAGE ON SCHEMA audit TO ${writerRole};
        GRANT SELECT, INSERT ON audit.log, audit.checkpoint, audit.search_token TO ${writerRole};
        GRANT SELECT, DELETE ON audit.inbox TO ${writerRole};
        EXECUTE format('GRANT ${writerRole} TO %I', current_user);
      EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'audit: no privilege to create role ${writerRole}; see services/audit/README.md';
      END $$;
    `,
  },
];
