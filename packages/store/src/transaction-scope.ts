// Detects `db.query()` / `db.transaction()` called from inside that same database's open transaction.
// On PGlite (one connection) that call would wait for the transaction that awaits it — a silent hang;
// on PostgreSQL it would run outside the transaction. Both adapters refuse it the same way instead.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TransactionOptions } from './sql-port.ts';

interface OpenTransaction {
  readonly owner: object;
  open: boolean;
  readonly outer: OpenTransaction | undefined;
}

const scope = new AsyncLocalStorage<OpenTransaction>();

/** Runs `work` marked as inside a transaction of `owner`; the mark lapses when the transaction ends. */
export async function runInTransactionScope<T>(owner: object, work: () => Promise<T>): Promise<T> {
  const frame: OpenTransaction = { owner, open: true, outer: scope.getStore() };
  try {
    return await scope.run(frame, work);
  } finally {
    frame.open = false;
  }
}

/** Throws when called from code running inside an open transaction of `owner`. */
export function assertOutsideTransaction(owner: object, method: string): void {
  for (let frame = scope.getStore(); frame; frame = frame.outer) {
    if (frame.owner === owner && frame.open) {
      throw new Error(
        `db.${method}() called inside db.transaction() on the same database: use the Transaction ` +
          'passed to the work function (nested transactions are not supported)',
      );
    }
  }
}

const ISOLATION_SQL = {
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
} as const;

/** The transaction-mode clause for BEGIN / SET TRANSACTION, or '' for the defaults. */
export function transactionModeSql(options: TransactionOptions | undefined): string {
  const parts: string[] = [];
  if (options?.isolation !== undefined) {
    const level = ISOLATION_SQL[options.isolation];
    if (!level) throw new TypeError('unknown transaction isolation level');
    parts.push(`ISOLATION LEVEL ${level}`);
  }
  if (options?.readOnly) parts.push('READ ONLY');
  return parts.join(' ');
}
