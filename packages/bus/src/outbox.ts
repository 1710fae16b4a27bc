// The transactional outbox: an event row commits in the caller's transaction together with the data
// it describes, and a relay (any number of replicas) publishes it to the bus afterwards.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Database, migrate, type Transaction } from '@healthlane/store';
import type { Bus, MessageHeaders } from './bus-port.ts';
import { type BusLogger, errorFields, silentLogger } from './logger.ts';
import { outboxStats, relayPass } from './outbox-relay.ts';
import { outboxMigrations } from './outbox-schema.ts';
import { schemaName } from './sql-identifier.ts';
import { assertSubject } from './subject.ts';
import { headersWithTraceContext } from './trace-context.ts';
import { createWakeup } from './wakeup.ts';

export interface OutboxOptions {
  db: Database;
  bus: Bus;
  /** The owning service's schema; the table is `<schema>.outbox`. */
  schema: string;
  logger?: BusLogger;
  /** How often the relay looks for rows nobody kicked it for (other replicas' writes). Default 1 s. */
  pollIntervalMs?: number;
  /** How long a relay holds rows it is publishing before another relay may take them. Default 30 s. */
  leaseMs?: number;
  /** Rows per relay pass, published as one batch; passes follow each other while a full batch is found. Default 500. */
  batchSize?: number;
  /** Event ids for enqueues without one. Default `randomUUID`. */
  newId?: () => string;
}

export interface EnqueueOptions {
  /** Event id, used as the bus message id (de-duplication) and by idempotent consumers. */
  id?: string;
  headers?: MessageHeaders;
}

/** One event for `enqueueMany`. */
export interface OutboxEvent extends EnqueueOptions {
  subject: string;
  data: unknown;
}

export interface OutboxStats {
  pending: number;
  oldestPendingAgeSeconds: number;
}

export interface Outbox {
  /** Creates `<schema>.outbox` (migration namespace `<schema>_outbox`). */
  migrate(): Promise<void>;
  /** Records an event in the caller's transaction; resolves with its id. Call `kick()` after commit. */
  enqueue(tx: Transaction, subject: string, data: unknown, options?: EnqueueOptions): Promise<string>;
  /**
   * Records several events in the caller's transaction with one statement (a group commit's worth,
   * a Bundle's worth), in this order; resolves with their ids.
   */
  enqueueMany(tx: Transaction, events: readonly OutboxEvent[]): Promise<string[]>;
  /**
   * The INSERT that `enqueueMany` runs, for a caller that folds it into a statement of its own (a
   * data-modifying CTE beside its data writes: one round trip for data and events). Its four
   * parameters are pushed onto `params` and referenced by position; resolves nothing, runs nothing.
   */
  insertSql(events: readonly OutboxEvent[], params: unknown[]): { sql: string; ids: string[] };
  /** Starts the relay loop. */
  start(): void;
  /** Stops the relay after its current pass. */
  stop(): Promise<void>;
  /** Wakes the relay now, typically right after a transaction that enqueued events committed. */
  kick(): void;
  stats(): Promise<OutboxStats>;
}

const maxFailureBackoffMs = 30_000;

export function createOutbox(options: OutboxOptions): Outbox {
  const { db, bus } = options;
  const schema = schemaName(options.schema);
  const logger = options.logger ?? silentLogger;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const newId = options.newId ?? randomUUID;
  const pass = {
    db,
    bus,
    schema,
    batchSize: options.batchSize ?? 500,
    leaseMs: options.leaseMs ?? 30_000,
  };
  const wakeup = createWakeup();
  let stopping: AbortController | undefined;
  let loop: Promise<void> | undefined;

  async function run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const relayed = await relayPass(pass);
        if (relayed > 0) logger.debug({ schema, relayed }, 'outbox relayed events');
        failures = 0;
        if (relayed === pass.batchSize) continue;
      } catch (error) {
        // Bus or database unavailable: back off (kicks do not shorten it) and try again, forever.
        failures += 1;
        const delayMs = Math.min(250 * 2 ** (failures - 1), maxFailureBackoffMs);
        logger.warn({ schema, failures, delayMs, ...errorFields(error) }, 'outbox relay failed; retrying');
        await sleep(delayMs, undefined, { signal }).catch(() => {});
        continue;
      }
      await wakeup.wait(pollIntervalMs);
    }
  }

  function insertSql(events: readonly OutboxEvent[], params: unknown[]): { sql: string; ids: string[] } {
    for (const event of events) assertSubject(event.subject);
    const ids = events.map((event) => event.id ?? newId());
    // Serialised here, inside the caller's transaction, so a value JSON cannot hold fails the write.
    const payloads = events.map((event) => JSON.stringify(event.data) ?? 'null');
    const headers = events.map((event) => JSON.stringify(headersWithTraceContext(event.headers)));
    const at =
      params.push(
        ids,
        events.map((event) => event.subject),
        payloads,
        headers,
      ) - 3;
    const sql = `INSERT INTO ${schema}.outbox (id, subject, data, headers)
         SELECT e.id, e.subject, e.data, e.headers::jsonb
           FROM unnest($${at}::text[], $${at + 1}::text[], $${at + 2}::text[], $${at + 3}::text[]) WITH ORDINALITY
                AS e(id, subject, data, headers, n)
          ORDER BY e.n
         ON CONFLICT (id) DO NOTHING`;
    return { sql, ids };
  }

  return {
    async migrate() {
      await migrate(db, `${schema}_outbox`, outboxMigrations(schema));
    },

    async enqueue(tx, subject, data, enqueueOptions = {}) {
      assertSubject(subject);
      const id = enqueueOptions.id ?? newId();
      // Serialised here, inside the caller's transaction, so a value JSON cannot hold fails the write.
      const payload = JSON.stringify(data) ?? 'null';
      await tx.query(
        `INSERT INTO ${schema}.outbox (id, subject, data, headers) VALUES ($1, $2, $3, $4::jsonb)
         ON CONFLICT (id) DO NOTHING`,
        [id, subject, payload, JSON.stringify(headersWithTraceContext(enqueueOptions.headers))],
      );
      return id;
    },

    async enqueueMany(tx, events) {
      if (events.length === 0) return [];
      const params: unknown[] = [];
      const { sql, ids } = insertSql(events, params);
      await tx.query(sql, params);
      return ids;
    },

    insertSql,

    start() {
      if (stopping) return;
      const controller = new AbortController();
      stopping = controller;
      loop = run(controller.signal);
    },

    async stop() {
      stopping?.abort();
      wakeup.wake();
      await loop;
      stopping = undefined;
      loop = undefined;
    },

    kick: () => wakeup.wake(),

    stats: () => outboxStats(db, schema),
  };
}
