// Names for repeated SQL on PostgreSQL: a statement sent under a name is parsed and planned once per
// connection, then only bound and executed, which saves the server most of its work on short queries.

export interface StatementNames {
  /** The name to prepare `sql` under, or undefined to send it unnamed. */
  nameFor(sql: string): string | undefined;
  /** Never name `sql` again (its prepared form went stale, e.g. a table changed shape under it). */
  forget(sql: string): void;
}

/**
 * At most `limit` distinct statements get names (so generated SQL of unbounded variety cannot grow
 * every connection's server-side statement cache); the rest go unnamed, as before.
 */
export function createStatementNames(limit: number): StatementNames {
  const names = new Map<string, string>();
  const forgotten = new Set<string>();
  return {
    nameFor(sql) {
      const known = names.get(sql);
      if (known !== undefined || forgotten.has(sql) || names.size >= limit) return known;
      const name = `hl_${names.size + forgotten.size}`;
      names.set(sql, name);
      return name;
    },
    forget(sql) {
      names.delete(sql);
      forgotten.add(sql);
    },
  };
}

/** SQLSTATEs of a prepared statement the server no longer accepts as prepared. */
const stalePreparedStates = new Set(['0A000', '26000']);

export function isStalePrepared(code: string | undefined, message: string): boolean {
  return (
    code !== undefined &&
    stalePreparedStates.has(code) &&
    (code === '26000' || message.includes('cached plan must not change result type'))
  );
}
