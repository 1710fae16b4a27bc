// The hash chain: each log record is canonical JSON of { seq, id, appended, event }, and its hash is
// sha256(previous hash || record text) in hex, starting from 64 zeros. Checkpoints anchor the head
// (seq, hash), HMAC-signed with a key kept outside the database when one is configured.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

export const genesisHash = '0'.repeat(64);

export interface ChainRecord {
  seq: number;
  /** The AuditEvent's id (= the bus event id). */
  id: string;
  /** When the appender chained it (ISO instant). */
  appended: string;
  /** The AuditEvent as produced (with its id). */
  event: unknown;
}

export function recordText(record: ChainRecord): string {
  return canonicalJson(record);
}

export function chainHash(previousHash: string, text: string): string {
  return createHash('sha256').update(previousHash).update(text).digest('hex');
}

export function checkpointSignature(key: string, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`${seq}:${hash}`).digest('hex');
}

export function signatureMatches(key: string, seq: number, hash: string, signature: string): boolean {
  const expected = Buffer.from(checkpointSignature(key, seq, hash), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
