// Builds the clinician console (apps/web/app) into static files the gateway serves at `/`:
// index.html, assets/console-<hash>.js and assets/console-<hash>.css (content-hashed, so they can
// be cached for a year), and chunks loaded on demand (assets/chunk-<hash>.js: uPlot, which only
// the chart screens need, stays out of the first load); prints the size of what a browser
// downloads, raw and gzipped: the first load, then each on-demand chunk.
//
// Usage: node apps/web/build.mjs [--outdir=path] [--if-stale] [--quiet]
//   --outdir    where to write (default apps/web/dist)
//   --if-stale  do nothing when the output is newer than every source file (keeps `npm start` fast)
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
export const defaultOutdir = here('./dist');
const sourceDir = here('./app');

/** Builds the console into `outdir` (emptied first) and returns what was written with sizes. */
export async function buildConsole({ outdir = defaultOutdir, minify = true } = {}) {
  await rm(outdir, { recursive: true, force: true });
  const assets = join(outdir, 'assets');
  const result = await build({
    entryPoints: { console: join(sourceDir, 'main.tsx') },
    outdir: assets,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify,
    sourcemap: 'linked',
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
    tsconfig: here('./tsconfig.json'),
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = outputs.find(([path, output]) => path.endsWith('.js') && output.entryPoint);
  const script = entry && relative(assets, entry[0]);
  const style = entry?.[1].cssBundle && relative(assets, entry[1].cssBundle);
  if (!script || !style) throw new Error('esbuild produced no script or no stylesheet');
  // Chunks the entry imports statically load with it: preloaded so the browser fetches them at once.
  const preload = entry[1].imports
    .filter((imported) => imported.kind === 'import-statement')
    .map((imported) => `<link rel="modulepreload" href="/assets/${basename(imported.path)}">`);
  const template = await readFile(join(sourceDir, 'index.html'), 'utf8');
  const html = template
    .replace('%SCRIPT%', `/assets/${basename(script)}`)
    .replace('%STYLE%', `/assets/${basename(style)}`)
    .replace('%PRELOAD%', preload.join('\n'));
  await writeFile(join(outdir, 'index.html'), html);

  const lazy = outputs
    .map(([path]) => relative(assets, path))
    .filter((name) => name.startsWith('chunk-') && name.endsWith('.js'));
  const files = [];
  for (const name of [
    'index.html',
    `assets/${script}`,
    `assets/${style}`,
    ...lazy.map((n) => `assets/${n}`),
  ]) {
    const bytes = await readFile(join(outdir, name));
    files.push({
      name,
      bytes: bytes.length,
      gzipBytes: gzipSync(bytes, { level: 9 }).length,
      onDemand: name.startsWith('assets/chunk-'),
    });
  }
  return { outdir, files };
}

/** True when some source (app files, this script, the dependencies' manifests) is newer than the output. */
export async function isStale(outdir = defaultOutdir) {
  const built = await stat(join(outdir, 'index.html')).catch(() => undefined);
  if (!built) return true;
  const inputs = [
    ...(await listFiles(sourceDir)),
    here('./build.mjs'),
    here('./package.json'),
    here('./tsconfig.json'),
  ];
  for (const input of inputs) {
    if ((await stat(input)).mtimeMs > built.mtimeMs) return true;
  }
  return false;
}

async function listFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

export function describeBuild({ outdir, files }) {
  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
  const line = (file) =>
    `  ${file.name.padEnd(36)} ${kib(file.bytes).padStart(10)}  ${kib(file.gzipBytes).padStart(9)} gzip`;
  const first = files.filter((file) => !file.onDemand);
  const total = first.reduce((sum, file) => sum + file.bytes, 0);
  const gzip = first.reduce((sum, file) => sum + file.gzipBytes, 0);
  const later = files.filter((file) => file.onDemand);
  return [
    `built the console into ${outdir}`,
    ...first.map(line),
    `  total (first load)${kib(total).padStart(28)}  ${kib(gzip).padStart(9)} gzip`,
    ...(later.length > 0 ? ['  loaded on demand (charts):', ...later.map(line)] : []),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      outdir: { type: 'string' },
      'if-stale': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  const outdir = values.outdir ?? defaultOutdir;
  if (values['if-stale'] && !(await isStale(outdir))) process.exit(0);
  await mkdir(outdir, { recursive: true });
  const built = await buildConsole({ outdir });
  if (!values.quiet) console.log(describeBuild(built));
}
