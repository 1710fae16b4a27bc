// A bounded FHIR write load for fault tests: N Patient creates through the gateway, a fixed number
// in flight, each carrying a unique identifier. Conditional creates (If-None-Exist on that
// identifier) are retried on every failure, since a repeat can only match; plain creates only when
// the failure proves nothing was applied (503 or 429), since a repeat would create a second one.

export interface WriteRecord {
  index: number;
  identifier: string;
  conditional: boolean;
  /** Final status; undefined when the request never got an answer and was not retried. */
  status?: number;
  /** Resource id from Location, for 200/201. */
  id?: string;
  attempts: number;
  /** Failures seen before the final answer: status codes, or 'network'. */
  failures: Array<number | 'network'>;
  finishedAt: number;
}

export interface WriteLoadOptions {
  baseUrl: string;
  writes: number;
  concurrency: number;
  /** Every `plainEvery`-th write is a plain create (0 = none). */
  plainEvery: number;
  identifierSystem: string;
  token: () => Promise<string>;
  /** Called when a 401 says the token expired. */
  refreshToken: () => void;
  /** Gives up on one write after this long of failures. */
  perWriteDeadlineMs: number;
  /** Called after each write finished (progress-driven chaos). */
  onProgress?: (done: number, record: WriteRecord) => void;
  /** Stops handing out new writes (those in flight finish). */
  signal?: AbortSignal;
}

const retryable = new Set([429, 500, 502, 503, 504]);
const provenUnapplied = new Set([429, 503]);

export async function runWriteLoad(options: WriteLoadOptions): Promise<WriteRecord[]> {
  const records: WriteRecord[] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < options.writes && !options.signal?.aborted) {
      const index = next;
      next += 1;
      const record = await writeOne(index, options);
      records[index] = record;
      done += 1;
      options.onProgress?.(done, record);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return records;
}

async function writeOne(index: number, options: WriteLoadOptions): Promise<WriteRecord> {
  const identifier = `w${index}`;
  const conditional = options.plainEvery === 0 || index % options.plainEvery !== 0;
  const record: WriteRecord = { index, identifier, conditional, attempts: 0, failures: [], finishedAt: 0 };
  const giveUpAt = Date.now() + options.perWriteDeadlineMs;
  let backoffMs = 50;
  for (;;) {
    record.attempts += 1;
    const outcome = await post(identifier, conditional, options);
    const settled = outcome !== 'network' && outcome.status !== 401 && !retryable.has(outcome.status);
    if (settled) {
      record.status = outcome.status;
      record.id = outcome.id;
      break;
    }
    if (outcome !== 'network' && outcome.status === 401) {
      options.refreshToken();
    } else {
      record.failures.push(outcome === 'network' ? 'network' : outcome.status);
      // A plain create whose request may have been applied is left as it is (status undefined).
      if (!conditional && (outcome === 'network' || !provenUnapplied.has(outcome.status))) break;
    }
    if (Date.now() > giveUpAt || options.signal?.aborted) {
      if (outcome !== 'network') record.status = outcome.status;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, backoffMs));
    backoffMs = Math.min(backoffMs * 2, 1_000);
  }
  record.finishedAt = Date.now();
  return record;
}

async function post(
  identifier: string,
  conditional: boolean,
  options: WriteLoadOptions,
): Promise<{ status: number; id?: string } | 'network'> {
  const headers: Record<string, string> = {
    'content-type': 'application/fhir+json',
    prefer: 'return=minimal',
    authorization: `Bearer ${await options.token()}`,
  };
  if (conditional) headers['if-none-exist'] = `identifier=${options.identifierSystem}|${identifier}`;
  const body = JSON.stringify({
    resourceType: 'Patient',
    active: true,
    identifier: [{ system: options.identifierSystem, value: identifier }],
  });
  try {
    const response = await fetch(`${options.baseUrl}/fhir/R4/Patient`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(30_000),
    });
    await response.arrayBuffer();
    const location = response.headers.get('location') ?? '';
    const id = /\/Patient\/([^/]+)\/_history\//.exec(location)?.[1];
    return { status: response.status, id };
  } catch {
    return 'network';
  }
}
