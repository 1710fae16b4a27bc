// The outbox relay's SQL and one relay pass: lease pending rows in order, publish them as one batch
// (each under its event id as message id), then delete them in one statement. Crashing anywhere loses
// nothing: unleased rows stay, leased rows return when the lease lapses, and a republish is de-duplicated.
import type { Database } from '@healthlane/store';
import type { Bus, MessageHeaders } from './bus-port.ts';

interface OutboxRow {
  seq: number;
  id: string;
  subject: string;
  data: string;
  headers: MessageHeaders;
}

export interface RelayPassOptions {
  db: Database;
  bus: Bus;
  schema: string;
  batchSize: number;
  leaseMs: number;
}

/** Relays one batch; resolves with the number of events published, rejects on the first failure. */
export async function relayPass(options: RelayPassOptions): Promise<number> {
  const { db, bus, schema } = options;
  const { rows } = await db.query<OutboxRow>(
    `UPDATE ${schema}.outbox o
        SET available_at = now() + $1::double precision * interval '1 millisecond', attempts = o.attempts + 1
       FROM (SELECT seq FROM ${schema}.outbox WHERE available_at <= now()
              ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED) picked
      WHERE o.seq = picked.seq
    RETURNING o.seq, o.id, o.subject, o.data, o.headers`,
    [options.leaseMs, options.batchSize],
  );
  if (rows.length === 0) return 0;
  const batch = rows.map((row) => ({ ...row, seq: Number(row.seq) })).sort((a, b) => a.seq - b.seq);
  const seqs = batch.map((row) => row.seq);
  try {
    // One publish for the whole batch, in order, each event under its id and with the headers
    // (trace context included) recorded at enqueue, so the trace continues from the writer.
    await bus.publishBatch(
      batch.map((row) => ({
        subject: row.subject,
        data: JSON.parse(row.data),
        id: row.id,
        headers: row.headers,
      })),
    );
  } catch (error) {
    // Hand the batch back at once: this relay backs off, another replica may carry on in order.
    // Whatever part of it the bus did store is de-duplicated when republished under the same ids.
    await db
      .query(`UPDATE ${schema}.outbox SET available_at = now() WHERE seq = ANY($1::bigint[])`, [seqs])
      .catch(() => {});
    throw error;
  }
  await db.query(`DELETE FROM ${schema}.outbox WHERE seq = ANY($1::bigint[])`, [seqs]);
  return seqs.length;
}

export async function outboxStats(db: Database, schema: string) {
  const { rows } = await db.query<{ pending: number; age: number }>(
    `SELECT count(*)::int AS pending,
            coalesce(extract(epoch FROM now() - min(created_at)), 0)::double precision AS age
       FROM ${schema}.outbox`,
  );
  return {
    pending: Number(rows[0]?.pending ?? 0),
    oldestPendingAgeSeconds: Math.max(0, Number(rows[0]?.age ?? 0)),
  };
}
