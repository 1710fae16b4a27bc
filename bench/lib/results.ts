// Writes a benchmark's figures to bench/results/<scenario>-<date>.json with the date, the machine
// and the exact command, and prints them, so every speed claim points at a recorded run.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './machine.ts';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export async function recordResult(scenario: string, figures: unknown, notes?: string): Promise<string> {
  const date = new Date().toISOString();
  const record = {
    scenario,
    date,
    command: process.argv.slice(1).join(' '),
    machine: machineInfo(),
    notes,
    figures,
  };
  await mkdir(resultsDir, { recursive: true });
  const path = join(resultsDir, `${scenario}-${date.slice(0, 10)}.json`);
  await writeFile(path, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nrecorded ${path}`);
  return path;
}
