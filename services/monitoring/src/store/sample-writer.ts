// Durable batched inserts: samples from every transport and request are gathered for a few
// milliseconds and written by one multi-row statement (unnest of arrays). Each caller's promise
// resolves only after its rows committed. A repeated sample is stored once: repeats are rare (a
// device's retry, MQTT redelivery), so a batch goes first as a plain INSERT — ON CONFLICT DO NOTHING
// costs a speculative insertion (a key probe and an extra WAL record) for every row — and only a
// batch the key refuses is written again with ON CONFLICT DO NOTHING, as is every batch for a while
// after one was (a device resending a backlog).
import { type Database, isUniqueViolation } from '@healthlane/store';
import type { VitalSample } from '../domain/vital-sample.ts';

export interface StoredSample {
  deviceId: string;
  kind: string;
  timeMs: number;
  patientId: string | null;
  value: number;
  state: string | null;
  receivedMs: number;
}

/** One device batch as the pipeline has it: written without copying each sample into a row. */
export interface DeviceSamples {
  deviceId: string;
  patientId: string | null;
  receivedMs: number;
  samples: readonly VitalSample[];
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
  /** The same for one device batch. */
  writeDevice(batch: DeviceSamples): Promise<void>;
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
  rows: readonly StoredSample[] | DeviceSamples;
  count: number;
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
 * The seven PostgreSQL array literals of a statement, built in one pass over the rows with no
 * per-row objects. Every text here is a FHIR id, a kind name or an ACVPU/air-oxygen word
 * (validated: no quotes, backslashes, braces or commas), so quoting each element is enough; numbers
 * are finite. Passing literals as text skips the store's generic per-element serialiser.
 */
class ColumnLiterals {
  device = '';
  kind = '';
  time = '';
  patient = '';
  value = '';
  state = '';
  received = '';
  #rows = 0;

  add(
    deviceId: string,
    kind: string,
    timeMs: number,
    patientId: string | null,
    value: number,
    state: string | null | undefined,
    receivedMs: number,
  ): void {
    const sep = this.#rows === 0 ? '' : ',';
    this.#rows += 1;
    this.device += `${sep}"${deviceId}"`;
    this.kind += `${sep}"${kind}"`;
    this.time += `${sep}${timeMs}`;
    this.patient += patientId === null ? `${sep}NULL` : `${sep}"${patientId}"`;
    this.value += `${sep}${value}`;
    this.state += state == null ? `${sep}NULL` : `${sep}"${state}"`;
    this.received += `${sep}${receivedMs}`;
  }

  params(): string[] {
    return [this.device, this.kind, this.time, this.patient, this.value, this.state, this.received].map(
      (column) => `{${column}}`,
    );
  }
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
      while (queue.length > 0 && (rows === 0 || rows + (queue[0]?.count ?? 0) <= options.maxBatchRows)) {
        const waiter = queue.shift() as Waiter;
        batch.push(waiter);
        rows += waiter.count;
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
    const columns = new ColumnLiterals();
    for (const waiter of batch) {
      const rows = waiter.rows;
      if ('samples' in rows) {
        for (const s of rows.samples)
          columns.add(rows.deviceId, s.kind, s.timeMs, rows.patientId, s.value, s.state, rows.receivedMs);
      } else {
        for (const r of rows)
          columns.add(r.deviceId, r.kind, r.timeMs, r.patientId, r.value, r.state, r.receivedMs);
      }
    }
    const started = performance.now();
    const params = columns.params();
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

  function enqueue(rows: readonly StoredSample[] | DeviceSamples, count: number): Promise<void> {
    if (count === 0) return Promise.resolve();
    if (queuedRows + inFlightRows + count > options.maxPendingRows) {
      return Promise.reject(new WriterFullError());
    }
    return new Promise<void>((resolve, reject) => {
      queue.push({ rows, count, resolve, reject });
      queuedRows += count;
      schedule();
    });
  }

  return {
    write: (rows) => enqueue(rows, rows.length),
    writeDevice: (batch) => enqueue(batch, batch.samples.length),
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
