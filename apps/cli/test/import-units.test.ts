// The pieces of `healthlane import` that need no server: planning units (NDJSON chunks by byte
// range, folders searched, non-Bundles ignored), building their Bundles, the journal, progress.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportJournal } from '../src/import/import-journal.ts';
import { planImport } from '../src/import/import-plan.ts';
import { formatDuration, progressLine } from '../src/import/import-progress.ts';
import { createsAsPuts, unitBody } from '../src/import/unit-body.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'healthlane-import-units-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const line = (n: number, id?: string) =>
  JSON.stringify({
    resourceType: 'Observation',
    ...(id ? { id } : {}),
    status: 'final',
    code: { text: `n${n}` },
  });

describe('planImport', () => {
  it('cuts NDJSON into chunks of N non-blank lines, whatever the line endings', async () => {
    const file = join(dir, 'a.ndjson');
    await writeFile(
      file,
      `${line(1, 'a')}\r\n\r\n${line(2)}\n${line(3, 'c')}\n   \n${line(4)}\n${line(5, 'e')}`,
    );
    const plan = await planImport([file], 2);
    expect(plan.units.map((unit) => [unit.resources, unit.chunk?.firstLine])).toEqual([
      [2, 1],
      [2, 4],
      [1, 7],
    ]);
    expect(plan.resources).toBe(5);
    const bodies = await Promise.all(plan.units.map(unitBody));
    expect(bodies.map((body) => body.origin)).toEqual([[1, 3], [4, 6], [7]]);
    const first = JSON.parse(bodies[0]!.json);
    expect(first.type).toBe('batch');
    expect(first.entry.map((entry: { request: unknown }) => entry.request)).toEqual([
      { method: 'PUT', url: 'Observation/a' },
      { method: 'POST', url: 'Observation' },
    ]);
  });

  it('gives each unit a key that changes when its file does', async () => {
    const file = join(dir, 'b.ndjson');
    await writeFile(file, `${line(1)}\n`);
    const [before] = (await planImport([file], 10)).units;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writeFile(file, `${line(1)}\n${line(2)}\n`);
    const [after] = (await planImport([file], 10)).units;
    expect(after!.key).not.toBe(before!.key);
  });

  it('searches folders, ignoring JSON that is not a Bundle, and refuses a named non-Bundle', async () => {
    const folder = join(dir, 'folder');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(folder, 'nested'), { recursive: true }));
    await writeFile(join(folder, 'manifest.json'), '{"files":[]}');
    await writeFile(
      join(folder, 'nested', 'b.json'),
      '{"resourceType":"Bundle","type":"transaction","entry":[{}]}',
    );
    const plan = await planImport([folder], 10);
    expect(plan.units.map((unit) => unit.file)).toEqual([join(folder, 'nested', 'b.json')]);
    expect(plan.ignored).toEqual([join(folder, 'manifest.json')]);
    const named = await planImport([join(folder, 'manifest.json')], 10);
    expect(named.problems).toEqual([
      { file: join(folder, 'manifest.json'), problem: 'not a transaction or batch Bundle' },
    ]);
  });

  it('rejects NDJSON lines that are not resources, keeping their line numbers', async () => {
    const file = join(dir, 'bad.ndjson');
    await writeFile(file, `${line(1)}\n{oops\n[1,2]\n`);
    const [unit] = (await planImport([file], 10)).units;
    const body = await unitBody(unit!);
    expect(body.origin).toEqual([1]);
    expect(body.rejected).toEqual([
      { at: 2, problem: 'line is not valid JSON' },
      { at: 3, problem: 'line is not a FHIR resource' },
    ]);
  });
});

describe('createsAsPuts', () => {
  it('sends a create carrying its own id (matching its urn:uuid) as a PUT to that id', () => {
    const id = '0e99785d-8f2a-45c7-848c-d6b31d1aa50e';
    const bundle = {
      resourceType: 'Bundle',
      entry: [
        {
          fullUrl: `urn:uuid:${id}`,
          resource: { resourceType: 'Patient', id },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          fullUrl: 'urn:uuid:other',
          resource: { resourceType: 'Patient', id },
          request: { method: 'POST', url: 'Patient' },
        },
        { resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
        {
          resource: { resourceType: 'Organization', id },
          request: { method: 'POST', url: 'Organization', ifNoneExist: 'identifier=a|b' },
        },
      ],
    };
    const requests = (createsAsPuts(bundle).entry as Array<{ request: unknown }>).map(
      (entry) => entry.request,
    );
    expect(requests).toEqual([
      { method: 'PUT', url: `Patient/${id}` },
      { method: 'POST', url: 'Patient' },
      { method: 'POST', url: 'Patient' },
      { method: 'POST', url: 'Organization', ifNoneExist: 'identifier=a|b' },
    ]);
  });
});

describe('ImportJournal', () => {
  it('remembers recorded units across opens, and forgets them with fresh', async () => {
    const path = join(dir, 'journal.json');
    const journal = await ImportJournal.open(path, false);
    await Promise.all([
      journal.record('a', { resources: 3, failed: 0 }),
      journal.record('b', { resources: 2, failed: 1 }),
    ]);
    expect([...(await ImportJournal.open(path, false)).done.keys()].sort()).toEqual(['a', 'b']);
    expect((await ImportJournal.open(path, true)).done.size).toBe(0);
  });

  it('starts empty from a torn file', async () => {
    const path = join(dir, 'torn.json');
    await writeFile(path, '{"version":1,"done":{"a"');
    expect((await ImportJournal.open(path, false)).done.size).toBe(0);
  });
});

describe('progress', () => {
  it('shows done/total, rate and ETA, with a bar on a terminal', () => {
    expect(progressLine(250, 1000, 10, undefined)).toBe('250/1000 resources 25%  25/s  ETA 30s');
    expect(progressLine(250, 1000, 10, 100)).toMatch(/^\[#+\.+\] 250\/1000/);
    expect(formatDuration(3725)).toBe('1h02m');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('--');
  });
});
