// Open/closing/closed bookkeeping shared by the adapters: refuse new work once close() starts, let
// running work finish, release the connections once, and make close() idempotent.
import { SqlError, SqlState } from './sql-error.ts';

export class DatabaseLifecycle {
  readonly #running = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;

  /** Runs `operation` unless the database is closing; close() waits for it. */
  run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closing) {
      return Promise.reject(new SqlError(SqlState.connectionDoesNotExist, 'the database is closed'));
    }
    const running = operation();
    this.#running.add(running);
    const forget = () => this.#running.delete(running);
    running.then(forget, forget);
    return running;
  }

  close(release: () => Promise<void>): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.allSettled([...this.#running]);
      await release();
    })();
    return this.#closing;
  }
}
