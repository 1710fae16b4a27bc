// A cached, freshly initialised PGlite cluster: new databases start from it instead of running
// initdb (≈ 0.8 s instead of 3–8 s on a small machine), so a first `npm start` is ready quickly.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

const require = createRequire(import.meta.url);

interface TemplateLocation {
  path: string;
  version: string;
}

/** Where the template lives: node_modules/.cache/healthlane, keyed by PGlite's version. */
function templateLocation(): TemplateLocation {
  // The package exports no ./package.json: walk up from its entry point to its folder.
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  // .../node_modules/@electric-sql/pglite → .../node_modules/.cache/healthlane
  const nodeModules = dirname(dirname(dir));
  return { path: join(nodeModules, '.cache', 'healthlane', `pglite-${version}-cluster.tar.gz`), version };
}

async function readTemplate(path: string): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(path)]);
  } catch {
    return undefined;
  }
}

/** Runs initdb once in memory and writes the result as the template (atomically). */
export async function createPgliteTemplate(): Promise<string> {
  const { path } = templateLocation();
  const pg = await PGlite.create('memory://');
  try {
    const dump = await pg.dumpDataDir('gzip');
    await mkdir(dirname(path), { recursive: true });
    const partial = `${path}.${process.pid}.partial`;
    await writeFile(partial, new Uint8Array(await dump.arrayBuffer()));
    await rename(partial, path);
  } finally {
    await pg.close();
  }
  return path;
}

/**
 * The template to start a new cluster from. When it is missing it is made now (the first start
 * pays for initdb once); when it cannot be written (read-only filesystem) callers fall back to initdb.
 */
export async function pgliteTemplate(): Promise<Blob | undefined> {
  const { path } = templateLocation();
  const cached = await readTemplate(path);
  if (cached) return cached;
  try {
    await createPgliteTemplate();
  } catch {
    return undefined;
  }
  return readTemplate(path);
}
