// `healthlane import` as a real process against the records service listening on loopback: two
// Synthea bundles sharing a hospital plus an NDJSON file load completely, once, with every
// reference intact; killed after its first unit and run again, it resumes without duplicates.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RecordsHost, startRecordsHost } from './bundle-host.ts';
import { danglingReferences } from './bundle-references.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cliMain = fileURLToPath(new URL('../../../apps/cli/src/main.ts', import.meta.url));
const demoData = fileURLToPath(new URL('../demo-data/', import.meta.url));
const clemente = 'Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json';
const joaquin = 'Joaquin_Rodriguez_69ee9841-f4a6-427a-a2fd-f5a891682057.json';
/** Clemente's Patient: the importer PUTs Synthea's resources to their own ids. */
const clementeId = 'd78af07c-9cb9-4f31-9b11-c45a28f2eec8';
/** NDJSON lines with and without ids in the plain import. */
const withIds = 24;
const withoutIds = 3;
/** The interruption tests send many small units, so that a run is still busy when it is stopped. */
const manyIds = 120;
const interruptArgs = ['--batch-size', '2', '--concurrency', '1'];
/** 70 + 107 entries, less the Organization and Practitioner the two bundles share, plus NDJSON. */
const expectedTotal = (idLines: number, postLines: number) => 70 + 107 - 2 + idLines + postLines;

function runImport(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; output: string }>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', cliMain, 'import', ...args], {
    cwd: repoRoot,
    env: { ...process.env, NODE_OPTIONS: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const done = new Promise<{ code: number | null; output: string }>((resolve) => {
    child.once('close', (code) => resolve({ code, output }));
  });
  return { child, done };
}

/**
 * Two Synthea bundles and an NDJSON file. Lines without an id are POSTed, which a unit cut short by
 * a crash may repeat (at-least-once); the interruption tests leave them out (`postLines` 0).
 */
async function prepareInputs(idLines: number, postLines: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'healthlane-import-'));
  await copyFile(join(demoData, clemente), join(dir, clemente));
  await copyFile(join(demoData, joaquin), join(dir, joaquin));
  const observation = (n: number, id?: string) =>
    JSON.stringify({
      resourceType: 'Observation',
      ...(id ? { id } : {}),
      status: 'final',
      code: { text: `reading ${n}` },
      subject: { reference: `Patient/${clementeId}` },
    });
  const lines = [
    ...Array.from({ length: idLines }, (_, n) => observation(n, `import-obs-${n}`)),
    '',
    ...Array.from({ length: postLines }, (_, n) => observation(idLines + n)),
  ];
  await writeFile(join(dir, 'observations.ndjson'), `${lines.join('\n')}\n`);
  return dir;
}

/** Every current resource, read through system history (newest first; deletions none here). */
async function storedResources(records: RecordsHost): Promise<Array<{ resourceType: string; id: string }>> {
  const current = new Map<string, { resourceType: string; id: string }>();
  let path: string | undefined = '/fhir/R4/_history?_count=1000';
  while (path !== undefined) {
    const { json } = await records.get(path);
    for (const entry of json.entry ?? []) {
      const key = `${entry.resource.resourceType}/${entry.resource.id}`;
      if (!current.has(key)) current.set(key, entry.resource);
    }
    const next: string | undefined = json.link?.find(
      (link: { relation: string }) => link.relation === 'next',
    )?.url;
    path = next === undefined ? undefined : next.slice(next.indexOf('/fhir/R4'));
  }
  return [...current.values()];
}

/** Resolves with the number of units journaled, once there is at least one. */
async function waitForJournal(path: string): Promise<number> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const text = await readFile(path, 'utf8').catch(() => undefined);
    const done = text === undefined ? 0 : Object.keys(JSON.parse(text).done).length;
    if (done > 0) return done;
  }
}

function countByType(resources: Array<{ resourceType: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of resources) counts[resource.resourceType] = (counts[resource.resourceType] ?? 0) + 1;
  return counts;
}

async function expectCompleteImport(records: RecordsHost, idLines: number, postLines: number): Promise<void> {
  const resources = await storedResources(records);
  expect(resources.length).toBe(expectedTotal(idLines, postLines));
  const counts = countByType(resources);
  expect(counts.Patient).toBe(2);
  expect(counts.Organization).toBe(2); // the shared hospital once, plus Joaquin's second one
  expect(counts.Observation).toBeGreaterThanOrEqual(idLines + postLines);
  const known = new Set(resources.map((resource) => `${resource.resourceType}/${resource.id}`));
  expect(danglingReferences(resources, known)).toEqual([]);
}

describe('healthlane import', () => {
  let records: RecordsHost;
  let inputs: string;

  beforeAll(async () => {
    [records, inputs] = await Promise.all([startRecordsHost(), prepareInputs(withIds, withoutIds)]);
  });
  afterAll(async () => {
    await records.stop();
    await rm(inputs, { recursive: true, force: true });
  });

  it('loads Bundles and NDJSON once, references intact, and exits 0', async () => {
    const journal = join(inputs, 'journal.json');
    const args = [inputs, '--url', records.host.url, '--batch-size', '10', '--journal', journal];
    const { code, output } = await runImport(args).done;
    expect(output).toContain('import finished: 3 files, 2 bundles, 5 units');
    expect(output).toMatch(/loaded\s+204 resources/);
    expect(code, output).toBe(0);
    await expectCompleteImport(records, withIds, withoutIds);

    const again = await runImport(args).done;
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(/skipped\s+204 resources/);
    await expectCompleteImport(records, withIds, withoutIds);
  }, 60_000);

  it('reports a refused entry with its file and line, and exits 1', async () => {
    const file = join(inputs, 'bad.ndjson');
    await writeFile(file, '{"resourceType":"Observation","id":"bad-1","status":"not-a-status"}\nnot json\n');
    const { code, output } = await runImport([
      file,
      '--url',
      records.host.url,
      '--journal',
      join(inputs, 'bad.json'),
    ]).done;
    expect(code, output).toBe(1);
    expect(output).toContain(`${file} line 1: 400`);
    expect(output).toContain(`${file} line 2: line is not valid JSON`);
  }, 60_000);
});

describe('healthlane import, interrupted and resumed', () => {
  let records: RecordsHost;
  let inputs: string;

  beforeAll(async () => {
    [records, inputs] = await Promise.all([startRecordsHost(), prepareInputs(manyIds, 0)]);
  });
  afterAll(async () => {
    await records.stop();
    await rm(inputs, { recursive: true, force: true });
  });

  it('skips what the killed run finished and loads the rest without duplicates', async () => {
    const journal = join(inputs, 'journal.json');
    const args = [inputs, '--url', records.host.url, ...interruptArgs, '--journal', journal];
    const first = runImport(args);
    const journaled = await waitForJournal(journal);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.code, killed.output).toBeNull(); // it was still running: the kill interrupted it
    expect(journaled).toBeLessThan(2 + manyIds / 2); // of 2 bundles + 60 NDJSON chunks

    const resumed = await runImport(args).done;
    expect(resumed.code, resumed.output).toBe(0);
    expect(resumed.output).toMatch(/skipped\s+[1-9]\d* resources/);
    await expectCompleteImport(records, manyIds, 0);
  }, 60_000);
});

describe('healthlane import, stopped with Ctrl-C', () => {
  let records: RecordsHost;
  let inputs: string;

  beforeAll(async () => {
    [records, inputs] = await Promise.all([startRecordsHost(), prepareInputs(manyIds, 0)]);
  });
  afterAll(async () => {
    await records.stop();
    await rm(inputs, { recursive: true, force: true });
  });

  it('on Ctrl-C finishes the unit in flight, journals it and exits 130; the next run completes', async () => {
    const journal = join(inputs, 'journal.json');
    const args = [inputs, '--url', records.host.url, ...interruptArgs, '--journal', journal];
    const first = runImport(args);
    await waitForJournal(journal);
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code, stopped.output).toBe(130);
    expect(stopped.output).toContain('import interrupted');
    const resumed = await runImport(args).done;
    expect(resumed.code, resumed.output).toBe(0);
    await expectCompleteImport(records, manyIds, 0);
  }, 60_000);
});
