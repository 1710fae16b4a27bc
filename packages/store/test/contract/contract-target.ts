// What a contract suite needs from an adapter under test, and unique names so tests share one database.
import type { Database } from '../../src/index.ts';

export interface ContractTarget {
  /** The database every contract test uses; opened once per test file. */
  db: Database;
  /**
   * Runs `use` with `count` handles on the same data, as that many service replicas would hold them
   * (separate pools on PostgreSQL; the one instance on PGlite), then closes the ones it opened.
   */
  withReplicas<T>(count: number, use: (dbs: Database[]) => Promise<T>): Promise<T>;
  /** Opens a handle the test owns and closes (its data may be separate from `db`'s). */
  openSpare(): Promise<Database>;
  /** Releases everything the target opened. */
  drop(): Promise<void>;
}

let counter = 0;

/** A table/schema/namespace name no other test in this file uses. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${counter}`;
}
