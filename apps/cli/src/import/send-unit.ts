// Sends one unit's Bundle and reads the answer: which entries failed (by file entry index or
// NDJSON line), with the server's OperationOutcome diagnostics. Retries what may pass on a second
// try (connection trouble, 429, 502-504); every unit is safe to send again.
import type { PeerTransport } from '@healthlane/client';
import type { ImportUnit } from './import-plan.ts';
import { type UnitBody, unitBody } from './unit-body.ts';

export interface EntryFailure {
  file: string;
  /** Bundle entry index, or NDJSON line number. */
  at: number;
  kind: 'entry' | 'line';
  status?: number;
  problem: string;
}

export interface UnitOutcome {
  /** The server answered the Bundle (entries may still have failed, for a batch). */
  answered: boolean;
  loaded: number;
  failures: EntryFailure[];
}

const retryStatuses = new Set([429, 502, 503, 504]);
const attempts = 3;
const decoder = new TextDecoder();

interface OutcomeJson {
  issue?: Array<{ diagnostics?: string; expression?: string[] }>;
}
interface ResponseBundleJson {
  entry?: Array<{ response?: { status?: string; outcome?: OutcomeJson } }>;
}

function diagnostics(outcome: OutcomeJson | undefined): string {
  return outcome?.issue?.[0]?.diagnostics ?? 'no diagnostics';
}

/** `Bundle.entry[3]...` in an OperationOutcome → 3. */
function failedEntry(outcome: OutcomeJson | undefined): number | undefined {
  for (const issue of outcome?.issue ?? []) {
    for (const expression of issue.expression ?? []) {
      const match = /^Bundle\.entry\[(\d+)\]/.exec(expression);
      if (match) return Number(match[1]);
    }
  }
  return undefined;
}

async function post(transport: PeerTransport, body: string) {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await transport.request({
        method: 'POST',
        path: '/fhir/R4',
        headers: {
          'content-type': 'application/fhir+json',
          accept: 'application/fhir+json',
          prefer: 'return=minimal',
        },
        body,
      });
      if (!retryStatuses.has(response.status) || attempt === attempts) return response;
    } catch (error) {
      lastError = error;
      if (attempt === attempts) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (attempt - 1)));
  }
  throw lastError;
}

function parse<T>(bytes: Uint8Array): T | undefined {
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch {
    return undefined;
  }
}

export async function sendUnit(transport: PeerTransport, unit: ImportUnit): Promise<UnitOutcome> {
  let body: UnitBody;
  try {
    body = await unitBody(unit);
  } catch {
    return {
      answered: false,
      loaded: 0,
      failures: [{ file: unit.file, at: 0, kind: 'entry', problem: 'cannot be read as JSON' }],
    };
  }
  const kind = unit.kind === 'ndjson' ? 'line' : 'entry';
  const failures: EntryFailure[] = body.rejected.map(({ at, problem }) => ({
    file: unit.file,
    at,
    kind,
    problem,
  }));
  if (body.origin.length === 0) return { answered: true, loaded: 0, failures };

  let response: Awaited<ReturnType<typeof post>>;
  try {
    response = await post(transport, body.json);
  } catch (error) {
    const problem = error instanceof Error ? error.message : 'request failed';
    return {
      answered: false,
      loaded: 0,
      failures: [...failures, { file: unit.file, at: body.origin[0] ?? 0, kind, problem }],
    };
  }
  if (response.status !== 200) {
    const outcome = parse<OutcomeJson>(response.body);
    const index = failedEntry(outcome);
    failures.push({
      file: unit.file,
      at: index === undefined ? (body.origin[0] ?? 0) : (body.origin[index] ?? index),
      kind,
      status: response.status,
      problem: `${body.type} refused: ${diagnostics(outcome)}`,
    });
    return { answered: false, loaded: 0, failures };
  }
  const reply = parse<ResponseBundleJson>(response.body);
  let loaded = 0;
  (reply?.entry ?? []).forEach((entry, index) => {
    const status = Number.parseInt(entry.response?.status ?? '', 10);
    if (status >= 200 && status < 300) {
      loaded += 1;
    } else {
      failures.push({
        file: unit.file,
        at: body.origin[index] ?? index,
        kind,
        status,
        problem: diagnostics(entry.response?.outcome),
      });
    }
  });
  return { answered: true, loaded, failures };
}
