// SQL of the in-process bus: append to the message log, read it for broadcasts, and claim, settle or
// expire group deliveries under leases. Every statement keys on (group, filter), the group's identity.
import type { Database, SqlExecutor } from '@healthlane/store';
import type { MessageHeaders } from './bus-port.ts';
import type { DeliveryPolicy } from './delivery-policy.ts';

export interface LoggedMessage {
  seq: number;
  id: string;
  subject: string;
  /** The payload as JSON text. */
  data: string;
  headers: MessageHeaders;
  publishedAt: Date;
  deliveryCount: number;
}

export interface GroupRef {
  group: string;
  filter: string;
  /** Regular expression for the filter, see `filterPattern`. */
  pattern: string;
}

export interface Claim {
  messages: LoggedMessage[];
  /** Ids of messages given up in this claim because their last delivery expired unacknowledged. */
  dead: string[];
  /** Milliseconds until the earliest lease of the group expires, if any. */
  nextDueMs: number | undefined;
}

/** A message to append: its payload already JSON text. */
export interface LogEntry {
  id: string;
  subject: string;
  data: string;
  headers: MessageHeaders;
}

interface MessageRow {
  seq: number;
  id: string;
  subject: string;
  data: string;
  headers: MessageHeaders;
  published_at: Date;
}

// Publishers take this lock so that sequence numbers become visible in order: a reader that sees
// seq N may move its cursor to N without skipping a lower seq that commits later.
const publishLockKey = 7_310_240_117;
const msInterval = `$1::double precision * interval '1 millisecond'`;

export function createMessageLog(db: Database) {
  async function topSeq(executor: SqlExecutor): Promise<number> {
    const { rows } = await executor.query<{ top: number }>(
      'SELECT coalesce(max(seq), 0)::bigint AS top FROM bus.messages',
    );
    return Number(rows[0]?.top ?? 0);
  }

  async function load(executor: SqlExecutor, seqs: Map<number, number>): Promise<LoggedMessage[]> {
    if (seqs.size === 0) return [];
    const { rows } = await executor.query<MessageRow>(
      `SELECT seq, id, subject, data, headers, published_at FROM bus.messages
        WHERE seq = ANY($1::bigint[]) ORDER BY seq`,
      [[...seqs.keys()]],
    );
    return rows.map((row) => toMessage(row, seqs.get(Number(row.seq)) ?? 1));
  }

  return {
    /** Appends a message; false when a message with this id is already in the log. */
    async append(id: string, subject: string, data: string, headers: MessageHeaders): Promise<boolean> {
      return db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [publishLockKey]);
        const { rowCount } = await tx.query(
          `INSERT INTO bus.messages (id, subject, data, headers) VALUES ($1, $2, $3, $4::jsonb)
           ON CONFLICT (id) DO NOTHING`,
          [id, subject, data, JSON.stringify(headers)],
        );
        return rowCount === 1;
      });
    },

    /**
     * Appends messages in order with one statement under the publish lock; resolves with the subjects
     * of those stored (ids already in the log, or repeated in the batch, are skipped).
     */
    async appendMany(entries: readonly LogEntry[]): Promise<string[]> {
      if (entries.length === 0) return [];
      return db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [publishLockKey]);
        const { rows } = await tx.query<{ subject: string }>(
          `INSERT INTO bus.messages (id, subject, data, headers)
           SELECT e.id, e.subject, e.data, e.headers::jsonb
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY
                  AS e(id, subject, data, headers, n)
            ORDER BY e.n
           ON CONFLICT (id) DO NOTHING
           RETURNING subject`,
          [
            entries.map((entry) => entry.id),
            entries.map((entry) => entry.subject),
            entries.map((entry) => entry.data),
            entries.map((entry) => JSON.stringify(entry.headers)),
          ],
        );
        return rows.map((row) => row.subject);
      });
    },

    latestSeq: () => topSeq(db),

    /** Broadcast read: messages after `cursor` matching `pattern`, and the cursor to read from next. */
    async readAfter(cursor: number, pattern: string, limit: number) {
      const top = await topSeq(db);
      const { rows } = await db.query<MessageRow>(
        `SELECT seq, id, subject, data, headers, published_at FROM bus.messages
          WHERE seq > $1 AND seq <= $2 AND subject ~ $3 ORDER BY seq LIMIT $4`,
        [cursor, top, pattern, limit],
      );
      const last = rows.at(-1);
      const next = rows.length === limit && last ? Number(last.seq) : top;
      return { messages: rows.map((row) => toMessage(row, 1)), cursor: next };
    },

    /** Creates the group at the start of the log unless it exists. */
    async ensureGroup(ref: GroupRef): Promise<void> {
      await db.query('INSERT INTO bus.groups (name, filter) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        ref.group,
        ref.filter,
      ]);
    },

    /** Leases up to `limit` deliveries: expired leases first, then messages past the cursor. */
    claim(ref: GroupRef, limit: number, policy: DeliveryPolicy): Promise<Claim> {
      return db.transaction(async (tx) => {
        const key = [ref.group, ref.filter];
        // Locking the group row serialises claimers of one group, also across processes.
        const group = await tx.query<{ cursor: number }>(
          'SELECT cursor FROM bus.groups WHERE name = $1 AND filter = $2 FOR UPDATE',
          key,
        );
        const cursor = Number(group.rows[0]?.cursor ?? 0);
        const dead = await tx.query<{ id: string }>(
          `UPDATE bus.leases l SET dead_at = now() FROM bus.messages m
            WHERE l.group_name = $1 AND l.filter = $2 AND l.dead_at IS NULL AND l.visible_at <= now()
              AND l.delivery_count >= $3 AND m.seq = l.seq
          RETURNING m.id`,
          [...key, policy.maxDeliver],
        );
        const claimed = new Map<number, number>();
        const redelivered = await tx.query<{ seq: number; delivery_count: number }>(
          `UPDATE bus.leases l SET delivery_count = l.delivery_count + 1, visible_at = now() + ${msInterval}
             FROM (SELECT seq FROM bus.leases
                    WHERE group_name = $2 AND filter = $3 AND dead_at IS NULL AND visible_at <= now()
                    ORDER BY seq LIMIT $4) due
            WHERE l.group_name = $2 AND l.filter = $3 AND l.seq = due.seq
          RETURNING l.seq, l.delivery_count`,
          [policy.ackWaitMs, ...key, limit],
        );
        for (const row of redelivered.rows) claimed.set(Number(row.seq), row.delivery_count);
        const room = limit - claimed.size;
        if (room > 0) {
          const top = await topSeq(tx);
          const fresh = await tx.query<{ seq: number }>(
            `INSERT INTO bus.leases (group_name, filter, seq, delivery_count, visible_at)
             SELECT $2, $3, seq, 1, now() + ${msInterval} FROM bus.messages
              WHERE seq > $4 AND seq <= $5 AND subject ~ $6 ORDER BY seq LIMIT $7
             RETURNING seq`,
            [policy.ackWaitMs, ...key, cursor, top, ref.pattern, room],
          );
          const seqs = fresh.rows.map((row) => Number(row.seq));
          for (const seq of seqs) claimed.set(seq, 1);
          const next = seqs.length === room ? Math.max(...seqs) : top;
          if (next !== cursor) {
            await tx.query('UPDATE bus.groups SET cursor = $3 WHERE name = $1 AND filter = $2', [
              ...key,
              next,
            ]);
          }
        }
        const due = await tx.query<{ due_ms: number | null }>(
          `SELECT (extract(epoch FROM min(visible_at) - now()) * 1000)::double precision AS due_ms
             FROM bus.leases WHERE group_name = $1 AND filter = $2 AND dead_at IS NULL`,
          key,
        );
        const dueMs = due.rows[0]?.due_ms;
        return {
          messages: await load(tx, claimed),
          dead: dead.rows.map((row) => row.id),
          nextDueMs: dueMs === null || dueMs === undefined ? undefined : Math.max(0, Number(dueMs)),
        };
      });
    },

    async ack(ref: GroupRef, seq: number): Promise<void> {
      await db.query('DELETE FROM bus.leases WHERE group_name = $1 AND filter = $2 AND seq = $3', [
        ref.group,
        ref.filter,
        seq,
      ]);
    },

    /** Settles many deliveries of the group in one statement. */
    async ackMany(ref: GroupRef, seqs: readonly number[]): Promise<void> {
      await db.query(
        'DELETE FROM bus.leases WHERE group_name = $1 AND filter = $2 AND seq = ANY($3::bigint[])',
        [ref.group, ref.filter, seqs],
      );
    },

    /** Makes this delivery visible again after `delayMs`, unless it was redelivered meanwhile. */
    async retryAfter(ref: GroupRef, seq: number, deliveryCount: number, delayMs: number): Promise<void> {
      await db.query(
        `UPDATE bus.leases SET visible_at = now() + ${msInterval}
          WHERE group_name = $2 AND filter = $3 AND seq = $4 AND delivery_count = $5 AND dead_at IS NULL`,
        [delayMs, ref.group, ref.filter, seq, deliveryCount],
      );
    },

    async markDead(ref: GroupRef, seq: number, deliveryCount: number): Promise<void> {
      await db.query(
        `UPDATE bus.leases SET dead_at = now()
          WHERE group_name = $1 AND filter = $2 AND seq = $3 AND delivery_count = $4 AND dead_at IS NULL`,
        [ref.group, ref.filter, seq, deliveryCount],
      );
    },

    /** Retention: drops messages older than `maxAgeMs` (their leases go with them). */
    async deleteOlderThan(maxAgeMs: number): Promise<number> {
      const { rowCount } = await db.query(
        `DELETE FROM bus.messages WHERE published_at < now() - ${msInterval}`,
        [maxAgeMs],
      );
      return rowCount;
    },
  };
}

export type MessageLog = ReturnType<typeof createMessageLog>;

function toMessage(row: MessageRow, deliveryCount: number): LoggedMessage {
  return {
    seq: Number(row.seq),
    id: row.id,
    subject: row.subject,
    data: row.data,
    headers: row.headers,
    publishedAt: row.published_at,
    deliveryCount,
  };
}
