// Verifies the audit log as it is read, row by row in sequence order, then against the checkpoints
// and an optional external anchor. Pure: the caller streams rows in; no I/O here.
import { chainHash, genesisHash, signatureMatches } from './hash-chain.ts';

export interface LogRow {
  seq: number;
  eventId: string;
  record: string;
  prevHash: string;
  hash: string;
}

export interface Checkpoint {
  seq: number;
  hash: string;
  signature: string | null;
}

/** A head recorded outside the database by an earlier verification (`--anchor`). */
export interface Anchor {
  seq: number;
  hash: string;
}

export type ProblemKind =
  | 'gap'
  | 'broken-link'
  | 'hash-mismatch'
  | 'record-mismatch'
  | 'checkpoint-mismatch'
  | 'checkpoint-beyond-head'
  | 'checkpoint-signature'
  | 'anchor-mismatch'
  | 'anchor-beyond-head'
  | 'unanchored-tail';

export interface VerifyProblem {
  kind: ProblemKind;
  seq: number;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  records: number;
  head: { seq: number; hash: string };
  checkpoints: number;
  signedCheckpoints: number;
  problems: VerifyProblem[];
}

export interface ChainVerifier {
  push(row: LogRow): void;
  finish(): VerifyReport;
}

export interface VerifyOptions {
  /** The checkpoints the appender wrote (seq ascending or not). */
  checkpoints: readonly Checkpoint[];
  /** The checkpoint signing key (AUDIT_CHECKPOINT_KEY); every checkpoint must then carry a valid signature. */
  key?: string;
  anchor?: Anchor;
}

/** Problems beyond this many are counted, not listed: one bad edit can break every later link. */
const maxListed = 100;

export function createChainVerifier(options: VerifyOptions): ChainVerifier {
  const problems: VerifyProblem[] = [];
  let problemCount = 0;
  let records = 0;
  let previous = { seq: 0, hash: genesisHash };
  /** Hashes the rows must carry at these positions: the checkpoints' and the anchor's. */
  const expected = new Map<number, Checkpoint[]>();
  for (const checkpoint of options.checkpoints) {
    expected.set(checkpoint.seq, [...(expected.get(checkpoint.seq) ?? []), checkpoint]);
  }
  const anchor = options.anchor;
  /** Checkpoints whose record carried the checkpointed hash. */
  const matched = new Set<Checkpoint>();

  const report = (kind: ProblemKind, seq: number, message: string) => {
    problemCount += 1;
    if (problems.length < maxListed) problems.push({ kind, seq, message });
  };

  return {
    push(row) {
      records += 1;
      if (row.seq !== previous.seq + 1) {
        report(
          'gap',
          row.seq,
          `records ${previous.seq + 1}..${row.seq - 1} are missing (deleted, or the log was rewritten)`,
        );
      }
      if (row.prevHash !== previous.hash) {
        report(
          'broken-link',
          row.seq,
          `record ${row.seq} does not link to the hash of record ${previous.seq}`,
        );
      }
      if (chainHash(row.prevHash, row.record) !== row.hash) {
        report('hash-mismatch', row.seq, `record ${row.seq} does not match its hash (edited)`);
      }
      let parsed: { seq?: unknown; id?: unknown } | undefined;
      try {
        parsed = JSON.parse(row.record) as { seq?: unknown; id?: unknown };
      } catch {
        parsed = undefined;
      }
      if (parsed?.seq !== row.seq || parsed.id !== row.eventId) {
        report(
          'record-mismatch',
          row.seq,
          `record ${row.seq} carries another position or id (moved or reordered)`,
        );
      }
      for (const checkpoint of expected.get(row.seq) ?? []) {
        if (checkpoint.hash !== row.hash) {
          report('checkpoint-mismatch', row.seq, `record ${row.seq} differs from its checkpoint`);
        } else {
          matched.add(checkpoint);
        }
      }
      if (anchor !== undefined && anchor.seq === row.seq && anchor.hash !== row.hash) {
        report('anchor-mismatch', row.seq, `record ${row.seq} differs from the anchored head`);
      }
      previous = { seq: row.seq, hash: row.hash };
    },

    finish() {
      let signed = 0;
      let anchoredTo = 0;
      for (const checkpoint of options.checkpoints) {
        const valid =
          matched.has(checkpoint) &&
          (options.key === undefined ||
            (checkpoint.signature !== null &&
              signatureMatches(options.key, checkpoint.seq, checkpoint.hash, checkpoint.signature)));
        if (valid) anchoredTo = Math.max(anchoredTo, checkpoint.seq);
        if (checkpoint.seq > previous.seq) {
          report(
            'checkpoint-beyond-head',
            checkpoint.seq,
            `checkpoint ${checkpoint.seq} is beyond the last record ${previous.seq} (the log was truncated)`,
          );
        }
        if (options.key === undefined) continue;
        if (checkpoint.signature === null) {
          report('checkpoint-signature', checkpoint.seq, `checkpoint ${checkpoint.seq} is not signed`);
        } else if (!signatureMatches(options.key, checkpoint.seq, checkpoint.hash, checkpoint.signature)) {
          report(
            'checkpoint-signature',
            checkpoint.seq,
            `checkpoint ${checkpoint.seq} has a wrong signature`,
          );
        } else {
          signed += 1;
        }
      }
      // The appender checkpoints every batch it writes, so the head always has one; records past the
      // last valid checkpoint were added by something else (or checkpoints were removed).
      if (previous.seq > anchoredTo) {
        report(
          'unanchored-tail',
          previous.seq,
          `records ${anchoredTo + 1}..${previous.seq} are not covered by a valid checkpoint`,
        );
      }
      if (anchor !== undefined && anchor.seq > previous.seq) {
        report(
          'anchor-beyond-head',
          anchor.seq,
          `the anchor names record ${anchor.seq} but the log ends at ${previous.seq} (truncated)`,
        );
      }
      if (problemCount > problems.length) {
        problems.push({
          kind: problems.at(-1)?.kind ?? 'gap',
          seq: previous.seq,
          message: `${problemCount - problems.length} further problems not listed`,
        });
      }
      return {
        ok: problemCount === 0,
        records,
        head: previous,
        checkpoints: options.checkpoints.length,
        signedCheckpoints: signed,
        problems,
      };
    },
  };
}
