// The CPU one resource write costs before any database work: validation against the R4
// StructureDefinitions (with FHIRPath invariants), search-index extraction (FHIRPath per search
// parameter) and serialisation — measured single-threaded over the shared Synthea resources, so the
// import and create figures can be read against a ceiling no database tuning can lift.
// Usage: node --import tsx bench/records/write-cpu.ts [--bundles 10] [--rounds 3]
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { validationIssues } from '../../services/records/src/domain/validation.ts';
import { indexRowsOf } from '../../services/records/src/store/index-rows.ts';
import { recordResult } from '../lib/results.ts';

const { values } = parseArgs({
  options: { bundles: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' } },
});
const root = new URL('../..', import.meta.url).pathname;
const dir = join(root, '../shared/data/synthea-r4/bundles');
const files = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
const chosen = files.slice(0, Number(values.bundles));
type Resource = { resourceType: string } & Record<string, unknown>;
const resources: Resource[] = [];
for (const file of chosen) {
  const bundle = JSON.parse(await readFile(join(dir, file), 'utf8')) as { entry?: { resource?: Resource }[] };
  for (const entry of bundle.entry ?? []) if (entry.resource) resources.push(entry.resource);
}
// Synthea uses urn:uuid references inside its bundles; the server rewrites them before writing.
// Extraction and validation do not depend on the reference form, so they are measured as given.

function time(label: string, work: (resource: Resource) => void) {
  // Warm-up pass (JIT, definition loading), then timed rounds.
  for (const resource of resources) work(resource);
  const rounds = Number(values.rounds);
  const started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) for (const resource of resources) work(resource);
  const micros = Number(process.hrtime.bigint() - started) / 1000 / (rounds * resources.length);
  console.log(
    `${label.padEnd(38)} ${micros.toFixed(1).padStart(8)} µs/resource  ${(1e6 / micros).toFixed(0).padStart(7)} resources/s per core`,
  );
  return Math.round(micros * 10) / 10;
}

console.log(`${resources.length} resources from ${chosen.length} Synthea bundles\n`);
const byType = new Map<string, number>();
for (const resource of resources)
  byType.set(resource.resourceType, (byType.get(resource.resourceType) ?? 0) + 1);
const figures = {
  resources: resources.length,
  bundles: chosen.length,
  microsPerResource: {
    validate: time('validate (R4 definitions + invariants)', (r) => void validationIssues(r, r.resourceType)),
    extract: time('search index extraction', (r) => void indexRowsOf(r)),
    serialize: time('JSON.stringify', (r) => void JSON.stringify(r)),
    all: time('all three', (r) => {
      validationIssues(r, r.resourceType);
      indexRowsOf(r);
      JSON.stringify(r);
    }),
  },
  types: Object.fromEntries([...byType].sort((a, b) => b[1] - a[1])),
};
const load = os.loadavg();
await recordResult(
  'records-write-cpu',
  figures,
  `Single-threaded, no database. Load average at end ${load.map((n) => n.toFixed(2)).join(' ')}: other processes share the 2 cores, so these are upper bounds of the cost.`,
);
