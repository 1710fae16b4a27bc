// Reads the whole log in sequence order (in pages, one consistent snapshot) through the chain
// verifier, with the checkpoints and an optional external anchor. Used by `healthlane audit verify`
// and by GET /audit/chain/verify.
import type { Database } from '@healthlane/store';
import {
  type Anchor,
  type Checkpoint,
  createChainVerifier,
  type VerifyReport,
} from '../domain/chain-verifier.ts';

export interface VerifyLogOptions {
  key?: string;
  anchor?: Anchor;
  pageSize?: number;
}

interface Row {
  seq: number;
  event_id: string;
  record: string;
  prev_hash: string;
  hash: string;
}

export function verifyAuditLog(db: Database, options: VerifyLogOptions = {}): Promise<VerifyReport> {
  const pageSize = options.pageSize ?? 5000;
  return db.transaction(
    async (tx) => {
      const { rows: checkpointRows } = await tx.query<{
        seq: number;
        hash: string;
        signature: string | null;
      }>('SELECT seq, hash, signature FROM audit.checkpoint ORDER BY seq');
      const checkpoints: Checkpoint[] = checkpointRows.map((row) => ({ ...row, seq: Number(row.seq) }));
      const verifier = createChainVerifier({
        checkpoints,
        ...(options.key === undefined ? {} : { key: options.key }),
        ...(options.anchor === undefined ? {} : { anchor: options.anchor }),
      });
      let after = -Number.MAX_SAFE_INTEGER; // a row forced in below 1 is read (and reported) too
      for (;;) {
        const { rows } = await tx.query<Row>(
          'SELECT seq, event_id, record, prev_hash, hash FROM audit.log WHERE seq > $1 ORDER BY seq LIMIT $2',
          [after, pageSize],
        );
        for (const row of rows) {
          const seq = Number(row.seq);
          verifier.push({
            seq,
            eventId: row.event_id,
            record: row.record,
            prevHash: row.prev_hash,
            hash: row.hash,
          });
          after = seq;
        }
        if (rows.length < pageSize) break;
      }
      return verifier.finish();
    },
    { isolation: 'repeatable read', readOnly: true },
  );
}
