// Small pieces of the records benchmark: seeding Patients, the figures table.
import type { LoadFigures } from '../lib/load.ts';

export interface RunFigures extends LoadFigures {
  backend: string;
  interaction: string;
  resourcesPerSecond: number;
  rssPeakMiB: number;
  ratioToBare?: number;
}

/** Creates `count` Patients through the API (8 at a time) and returns their server-assigned ids. */
export async function seedPatients(
  origin: string,
  count: number,
  patient: (n: number) => Record<string, unknown>,
): Promise<string[]> {
  const ids: string[] = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let n = next++; n < count; n = next++) {
      const response = await fetch(`${origin}/fhir/R4/Patient`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json', prefer: 'return=minimal' },
        body: JSON.stringify(patient(n)),
        signal: AbortSignal.timeout(30_000),
      });
      await response.arrayBuffer();
      const location = response.headers.get('location') ?? '';
      const id = /\/Patient\/([^/]+)\/_history\//.exec(location)?.[1];
      if (response.status !== 201 || !id) throw new Error(`seeding answered ${response.status}`);
      ids[n] = id;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
}

export function ratio(value: number, yardstick: number): number {
  return yardstick > 0 ? Math.round((value / yardstick) * 1000) / 1000 : 0;
}

export function printTable(rows: readonly RunFigures[]): void {
  const header = [
    'backend',
    'interaction',
    'conn',
    'req/s',
    'res/s',
    'p50 ms',
    'p99 ms',
    'x bare',
    'RSS MiB',
    'err',
    'non2xx',
  ];
  const lines = rows.map((row) => [
    row.backend,
    row.interaction,
    String(row.connections),
    String(row.requestsPerSecond),
    String(row.resourcesPerSecond),
    String(row.latencyMs.p50),
    String(row.latencyMs.p99),
    String(row.ratioToBare ?? ''),
    String(row.rssPeakMiB),
    String(row.errors),
    String(row.non2xx),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]!.length)),
  );
  console.log('');
  for (const line of [header, ...lines]) {
    console.log(line.map((cell, column) => cell.padStart(widths[column]!)).join('  '));
  }
}
