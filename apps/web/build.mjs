// Builds the clinician console (apps/web/app) into static files the gateway serves at `/`:
// index.html, assets/console-<hash>.js and assets/console-<hash>.css (content-hashed, so they can
// be cached for a year), and prints the size of what a browser downloads, raw and gzipped.
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
    bundle: true,
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
  const outputs = Object.keys(result.metafile.outputs).map((path) => relative(assets, path));
  const script = outputs.find((name) => name.endsWith('.js'));
  const style = outputs.find((name) => name.endsWith('.css'));
  if (!script || !style) throw new Error('esbuild produced no script or no stylesheet');
  const template = await readFile(join(sourceDir, 'index.html'), 'utf8');
  const html = template
    .replace('%SCRIPT%', `/assets/${basename(script)}`)
    .replace('%STYLE%', `/assets/${basename(style)}`);
  await writeFile(join(outdir, 'index.html'), html);

  const files = [];
  for (const name of ['index.html', `assets/${script}`, `assets/${style}`]) {
    const bytes = await readFile(join(outdir, name));
    files.push({ name, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length });
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
  const lines = files.map(
    (file) =>
      `  ${file.name.padEnd(36)} ${kib(file.bytes).padStart(10)}  ${kib(file.gzipBytes).padStart(9)} gzip`,
  );
  const total = files.reduce((sum, file) => sum + file.bytes, 0);
  const gzip = files.reduce((sum, file) => sum + file.gzipBytes, 0);
  return [
    `built the console into ${outdir}`,
    ...lines,
    `  total (first load)${kib(total).padStart(28)}  ${kib(gzip).padStart(9)} gzip`,
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
