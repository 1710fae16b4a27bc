// Durable batched inserts: samples from every transport and request are gathered for a few
// milliseconds and written by one multi-row statement (unnest of arrays). Each caller's promise
// resolves only after its rows committed. A repeated sample is stored once: repeats are rare (a
// device's retry, MQTT redelivery), so a batch goes first as a plain INSERT — ON CONFLICT DO NOTHING
// costs a speculative insertion (a key probe and an extra WAL record) for every row — and only a
// batch the key refuses is written again with ON CONFLICT DO NOTHING, as is every batch for a while
// after one was (a device resending a backlog).
import { type Database, isUniqueViolation } from '@healthlane/store';

export interface StoredSample {
  deviceId: string;
  kind: string;
  timeMs: number;
  patientId: string | null;
  value: number;
  state: string | null;
  receivedMs: number;
}

export interface SampleWriterOptions {
  db: Database;
  /** Most rows per statement. */
  maxBatchRows: number;
  /** Longest a row waits for company before its batch is written. */
  maxDelayMs: number;
  /** Statements in flight at once (1 on PGlite, which runs one at a time anyway). */
  concurrency: number;
  /** Rows waiting beyond this are refused (the caller answers 429 / does not acknowledge). */
  maxPendingRows: number;
  onFlush?: (rows: number, inserted: number, seconds: number) => void;
  /** How long after a repeated sample every batch is written with ON CONFLICT DO NOTHING (default 10 s). */
  repeatWindowMs?: number;
}

export interface SampleWriter {
  /** Resolves when every row is durable (inserted or already there); rejects if the write failed. */
  write(rows: readonly StoredSample[]): Promise<void>;
  /** Rows accepted but not yet committed. */
  pending(): number;
  /** Writes what is queued and waits for statements in flight. */
  flush(): Promise<void>;
}

export class WriterFullError extends Error {
  constructor() {
    super('the sample writer is full; retry later');
    this.name = 'WriterFullError';
  }
}

interface Waiter {
  rows: readonly StoredSample[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

const insertSql = `
  INSERT INTO monitoring.vital_sample (device_id, kind, sample_time, patient_id, value, state, received_at)
  SELECT d, k, to_timestamp(t / 1000.0), p, v, s, to_timestamp(r / 1000.0)
    FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[], $5::float8[], $6::text[], $7::float8[])
      AS x(d, k, t, p, v, s, r)`;
const insertOnceSql = `${insertSql}
  ON CONFLICT DO NOTHING`;

/**
 * A PostgreSQL array literal built in one pass. Every text here is a FHIR id, a kind name or an
 * ACVPU/air-oxygen word (validated: no quotes, backslashes, braces or commas), so quoting each
 * element is enough; numbers are finite. Passing the literal as text skips the store's generic
 * per-element serialiser, the largest cost of a big batch.
 */
function arrayLiteral(values: ReadonlyArray<string | number | null>): string {
  let text = '{';
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (i > 0) text += ',';
    text += value === null ? 'NULL' : typeof value === 'number' ? String(value) : `"${value}"`;
  }
  return `${text}}`;
}

export function createSampleWriter(options: SampleWriterOptions): SampleWriter {
  const queue: Waiter[] = [];
  let queuedRows = 0;
  let inFlight = 0;
  let inFlightRows = 0;
  let timer: NodeJS.Timeout | undefined;
  const idleWaiters: Array<() => void> = [];
  const repeatWindowMs = options.repeatWindowMs ?? 10_000;
  let lastRepeatAtMs = Number.NEGATIVE_INFINITY;

  function schedule(): void {
    if (queuedRows === 0) return;
    if (queuedRows >= options.maxBatchRows) {
      drain();
      return;
    }
    timer ??= setTimeout(() => {
      timer = undefined;
      drain();
    }, options.maxDelayMs);
  }

  function drain(): void {
    while (inFlight < options.concurrency && queuedRows > 0) {
      const batch: Waiter[] = [];
      let rows = 0;
      while (
        queue.length > 0 &&
        (rows === 0 || rows + (queue[0]?.rows.length ?? 0) <= options.maxBatchRows)
      ) {
        const waiter = queue.shift() as Waiter;
        batch.push(waiter);
        rows += waiter.rows.length;
      }
      queuedRows -= rows;
      inFlight += 1;
      inFlightRows += rows;
      void writeBatch(batch, rows).finally(() => {
        inFlight -= 1;
        inFlightRows -= rows;
        if (queuedRows > 0) schedule();
        else if (inFlight === 0) for (const wake of idleWaiters.splice(0)) wake();
      });
    }
  }

  async function writeBatch(batch: Waiter[], rowCount: number): Promise<void> {
    const columns: [string[], string[], number[], (string | null)[], number[], (string | null)[], number[]] =
      [[], [], [], [], [], [], []];
    for (const waiter of batch) {
      for (const row of waiter.rows) {
        columns[0].push(row.deviceId);
        columns[1].push(row.kind);
        columns[2].push(row.timeMs);
        columns[3].push(row.patientId);
        columns[4].push(row.value);
        columns[5].push(row.state);
        columns[6].push(row.receivedMs);
      }
    }
    const started = performance.now();
    const params = columns.map(arrayLiteral);
    try {
      let result: { rowCount: number };
      if (started - lastRepeatAtMs < repeatWindowMs) result = await options.db.query(insertOnceSql, params);
      else {
        try {
          result = await options.db.query(insertSql, params);
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          lastRepeatAtMs = performance.now();
          result = await options.db.query(insertOnceSql, params);
        }
      }
      options.onFlush?.(rowCount, result.rowCount, (performance.now() - started) / 1000);
      for (const waiter of batch) waiter.resolve();
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
  }

  return {
    write(rows) {
      if (rows.length === 0) return Promise.resolve();
      if (queuedRows + inFlightRows + rows.length > options.maxPendingRows) {
        return Promise.reject(new WriterFullError());
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ rows, resolve, reject });
        queuedRows += rows.length;
        schedule();
      });
    },
    pending: () => queuedRows + inFlightRows,
    async flush() {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      drain();
      if (inFlight === 0 && queuedRows === 0) return;
      await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
