// The appender: the single serialized writer of the chain. Under a transaction-scoped advisory lock
// it takes a batch from the inbox in arrival order, numbers it after the head (gap-free), hashes
// each record onto the previous one, writes the records, their search index rows and a checkpoint of
// the new head with multi-row INSERTs, and removes the batch from the inbox — all in one transaction.
import type { Clock } from '@healthlane/kit';
import type { Database } from '@healthlane/store';
import { chainHash, checkpointSignature, genesisHash, recordText } from '../domain/hash-chain.ts';
import { type IndexableAuditEvent, searchTokens } from '../domain/search-tokens.ts';
import { writerRole } from './schema.ts';

/** Advisory lock key of the chain ('audi' in ASCII). */
export const chainLockKey = 0x61756469;

export interface AppenderOptions {
  db: Database;
  clock: Clock;
  batchSize: number;
  /** HMAC key for checkpoint signatures (AUDIT_CHECKPOINT_KEY); unsigned checkpoints without it. */
  checkpointKey?: string;
  /** Write as the INSERT/SELECT-only writer role (when the connecting user is a member of it). */
  useWriterRole: boolean;
}

interface InboxRow {
  intake_seq: number;
  event_id: string;
  event: string;
}

/** Whether the connecting user may switch to the writer role (created by migration 2 where privileges allow). */
export async function writerRoleAvailable(db: Database): Promise<boolean> {
  const { rows } = await db.query<{ member: boolean | null }>(
    `SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)
                 THEN pg_has_role(current_user, $1, 'MEMBER') ELSE false END AS member`,
    [writerRole],
  );
  return rows[0]?.member === true;
}

function recordedOf(event: { recorded?: unknown }, fallback: Date): string {
  const at = typeof event.recorded === 'string' ? Date.parse(event.recorded) : Number.NaN;
  return Number.isNaN(at) ? fallback.toISOString() : new Date(at).toISOString();
}

/** Appends one batch; resolves with the number of events chained (0 when the inbox was empty). */
export function createAppender(options: AppenderOptions): { appendBatch(): Promise<number> } {
  const { db, clock } = options;
  return {
    appendBatch: () =>
      db.transaction(async (tx) => {
        if (options.useWriterRole) await tx.query(`SET LOCAL ROLE ${writerRole}`);
        await tx.query('SELECT pg_advisory_xact_lock($1)', [chainLockKey]);
        const { rows: inbox } = await tx.query<InboxRow>(
          'SELECT intake_seq, event_id, event FROM audit.inbox ORDER BY intake_seq LIMIT $1',
          [options.batchSize],
        );
        if (inbox.length === 0) return 0;
        const { rows: heads } = await tx.query<{ seq: number; hash: string }>(
          'SELECT seq, hash FROM audit.log ORDER BY seq DESC LIMIT 1',
        );
        let seq = Number(heads[0]?.seq ?? 0);
        let hash = heads[0]?.hash ?? genesisHash;
        const appended = clock.now();
        const log = {
          seq: [] as number[],
          id: [] as string[],
          recorded: [] as string[],
          record: [] as string[],
        };
        const links = { prev: [] as string[], hash: [] as string[] };
        const tokens = { seq: [] as number[], param: [] as string[], value: [] as string[] };
        for (const row of inbox) {
          const event = JSON.parse(row.event) as IndexableAuditEvent & { recorded?: unknown };
          seq += 1;
          const text = recordText({ seq, id: row.event_id, appended: appended.toISOString(), event });
          const next = chainHash(hash, text);
          log.seq.push(seq);
          log.id.push(row.event_id);
          log.recorded.push(recordedOf(event, appended));
          log.record.push(text);
          links.prev.push(hash);
          links.hash.push(next);
          hash = next;
          for (const token of searchTokens(event)) {
            tokens.seq.push(seq);
            tokens.param.push(token.param);
            tokens.value.push(token.value);
          }
        }
        await tx.query(
          `INSERT INTO audit.log (seq, event_id, recorded, appended_at, record, prev_hash, hash)
           SELECT s, i, r::timestamptz, $4::timestamptz, t, p, h
             FROM unnest($1::bigint[], $2::text[], $3::text[], $5::text[], $6::text[], $7::text[]) AS x(s, i, r, t, p, h)`,
          [log.seq, log.id, log.recorded, appended.toISOString(), log.record, links.prev, links.hash],
        );
        if (tokens.seq.length > 0) {
          await tx.query(
            'INSERT INTO audit.search_token (seq, param, value) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])',
            [tokens.seq, tokens.param, tokens.value],
          );
        }
        const signature =
          options.checkpointKey === undefined ? null : checkpointSignature(options.checkpointKey, seq, hash);
        await tx.query(
          'INSERT INTO audit.checkpoint (seq, hash, created_at, signature) VALUES ($1, $2, $3, $4)',
          [seq, hash, appended.toISOString(), signature],
        );
        await tx.query('DELETE FROM audit.inbox WHERE intake_seq = ANY($1::bigint[])', [
          inbox.map((row) => row.intake_seq),
        ]);
        return inbox.length;
      }),
  };
}
