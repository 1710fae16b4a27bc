// The outbox relay's SQL and one relay pass: lease pending rows in order, publish each with its event
// id as message id, then delete what the bus acknowledged. Crashing anywhere loses nothing: unleased
// rows stay, leased rows return when the lease lapses, and a republish is de-duplicated downstream.
import type { Database } from '@healthlane/store';
import type { Bus, MessageHeaders } from './bus-port.ts';
import { runInTraceContext } from './trace-context.ts';

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
  const batch = rows.map((row) => ({ ...row, seq: Number(row.seq) })).sort((a, b) => a.seq - b.seq);
  const published: number[] = [];
  try {
    for (const row of batch) {
      // Publish in the context recorded at enqueue, so the trace continues from the writer.
      await runInTraceContext(row.headers, () =>
        bus.publish(row.subject, JSON.parse(row.data), { id: row.id, headers: row.headers }),
      );
      published.push(row.seq);
    }
  } catch (error) {
    // Hand the rest back at once: this relay backs off, another replica may carry on in order.
    const rest = batch.map((row) => row.seq).filter((seq) => !published.includes(seq));
    await db
      .query(`UPDATE ${schema}.outbox SET available_at = now() WHERE seq = ANY($1::bigint[])`, [rest])
      .catch(() => {});
    await deletePublished(db, schema, published).catch(() => {});
    throw error;
  }
  await deletePublished(db, schema, published);
  return published.length;
}

async function deletePublished(db: Database, schema: string, seqs: number[]): Promise<void> {
  if (seqs.length > 0) await db.query(`DELETE FROM ${schema}.outbox WHERE seq = ANY($1::bigint[])`, [seqs]);
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
