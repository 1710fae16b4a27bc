// Builds the console into a temporary folder with the real build script (a child process, as
// `npm run build:web` runs it), so browser tests never depend on what sits in apps/web/dist.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const buildScript = fileURLToPath(new URL('../../build.mjs', import.meta.url));

export interface ConsoleBuild {
  dir: string;
  report: string;
  remove(): Promise<void>;
}

export async function buildConsoleInto(): Promise<ConsoleBuild> {
  const dir = await mkdtemp(join(tmpdir(), 'healthlane-web-'));
  const { stdout } = await promisify(execFile)(process.execPath, [buildScript, `--outdir=${dir}`]);
  return { dir, report: stdout, remove: () => rm(dir, { recursive: true, force: true }) };
}
