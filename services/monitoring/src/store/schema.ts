// Monitoring's own tables (schema `monitoring`): the raw vitals time series partitioned by day,
// one-minute rollups, device assignments learned from records, per-patient settings, alerts.
import type { Migration } from '@healthlane/store';

export const monitoringMigrations: Migration[] = [
  {
    version: 1,
    name: 'create-monitoring',
    sql: `
      CREATE SCHEMA IF NOT EXISTS monitoring;
      -- Raw samples. The key (device, kind, time) stores a repeated sample once; partitions by day
      -- are created ahead by the partition keeper and dropped (after rolling up) by retention.
      CREATE TABLE monitoring.vital_sample (
        device_id text NOT NULL,
        kind text NOT NULL,
        sample_time timestamptz NOT NULL,
        patient_id text,
        value double precision NOT NULL,
        state text,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (device_id, kind, sample_time)
      ) PARTITION BY RANGE (sample_time);
      CREATE INDEX vital_sample_patient ON monitoring.vital_sample (patient_id, kind, sample_time);
      CREATE TABLE monitoring.vital_rollup_1m (
        patient_id text NOT NULL,
        kind text NOT NULL,
        minute timestamptz NOT NULL,
        n integer NOT NULL,
        min double precision NOT NULL,
        max double precision NOT NULL,
        sum double precision NOT NULL,
        PRIMARY KEY (patient_id, kind, minute)
      );
      CREATE TABLE monitoring.device_assignment (
        device_id text PRIMARY KEY,
        patient_id text,
        ward_id text,
        version_id text NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE TABLE monitoring.patient_settings (
        patient_id text PRIMARY KEY,
        spo2_scale smallint NOT NULL CHECK (spo2_scale IN (1, 2)),
        limits jsonb NOT NULL,
        documented_by text NOT NULL,
        documented_at timestamptz NOT NULL
      );
      CREATE TABLE monitoring.alert (
        id text PRIMARY KEY,
        patient_id text NOT NULL,
        rule text NOT NULL,
        status text NOT NULL CHECK (status IN ('raised', 'acknowledged', 'resolved')),
        severity text NOT NULL,
        state jsonb NOT NULL,
        detail jsonb NOT NULL,
        raised_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        acknowledged_by text,
        resolved_at timestamptz,
        updated_at timestamptz NOT NULL
      );
      -- At most one open alert per patient and rule.
      CREATE UNIQUE INDEX alert_open ON monitoring.alert (patient_id, rule) WHERE status <> 'resolved';
      CREATE INDEX alert_patient ON monitoring.alert (patient_id, raised_at);
    `,
  },
  {
    version: 2,
    name: 'time-leading-sample-key',
    // The same uniqueness, keyed time first: a second of samples from every bed lands at the right
    // edge of the key's index instead of in one leaf per (device, kind) all over it — far fewer
    // pages touched (and written to the WAL in full after each checkpoint) per batch.
    sql: `
      ALTER TABLE monitoring.vital_sample DROP CONSTRAINT vital_sample_pkey;
      ALTER TABLE monitoring.vital_sample ADD PRIMARY KEY (sample_time, device_id, kind);
    `,
  },
];
