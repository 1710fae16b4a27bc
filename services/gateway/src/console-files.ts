// Serves the built clinician console (apps/web, `npm run build:web`) at `/`: its files held in
// memory with their content types, content-hashed assets cached for a year, index.html revalidated
// on every load (ETag → 304), gzip when the browser takes it, and index.html for the console's own
// client-side paths (SPA fallback) — every other path stays with the APIs and their 404s.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Problem } from '@healthlane/kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The console's client-side routes; a browser that reloads one of them gets index.html. */
export const consolePaths = [
  '/',
  '/signin',
  '/signin/callback',
  '/patients',
  '/patients/*',
  '/ward',
  '/alerts',
  '/privacy',
] as const;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
const compressible = new Set(['.html', '.js', '.css', '.map', '.json', '.txt', '.svg']);

/** Names with a content hash (esbuild's `[name]-[hash]`) never change content: cache them for good. */
const immutableCache = 'public, max-age=31536000, immutable';
const revalidate = 'no-cache';

interface ConsoleFile {
  body: Buffer;
  gzip?: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
}

export interface ConsoleFiles {
  dir: string;
  /** Keyed by URL path below the root, e.g. `/index.html`, `/assets/console-AB12.js`. */
  files: ReadonlyMap<string, ConsoleFile>;
}

/**
 * Where a built console is looked for when GATEWAY_CONSOLE_DIR is unset: beside the bundled
 * program (`dist/console`, built there by apps/cli/build.mjs), then the source tree's apps/web/dist.
 */
export function defaultConsoleDirs(): string[] {
  return [
    fileURLToPath(new URL('./console/', import.meta.url)),
    fileURLToPath(new URL('../../../apps/web/dist/', import.meta.url)),
  ];
}

export function findConsoleDir(candidates: readonly string[]): string | undefined {
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

export async function loadConsoleFiles(dir: string): Promise<ConsoleFiles> {
  const files = new Map<string, ConsoleFile>();
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const urlPath = `/${relative(dir, path).split(sep).join('/')}`;
    const extension = extname(entry.name);
    const body = await readFile(path);
    const gzip = compressible.has(extension) ? gzipSync(body, { level: 9 }) : undefined;
    files.set(urlPath, {
      body,
      gzip: gzip && gzip.length < body.length ? gzip : undefined,
      type: contentTypes[extension] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      cacheControl: urlPath.startsWith('/assets/') ? immutableCache : revalidate,
    });
  }
  if (!files.has('/index.html')) throw new Error(`the console folder ${dir} has no index.html`);
  return { dir, files };
}

export function addConsole(app: FastifyInstance, built: ConsoleFiles): void {
  const index = built.files.get('/index.html')!;
  const sendIndex = async (request: FastifyRequest, reply: FastifyReply) => send(request, reply, index);
  for (const url of consolePaths) app.get(url, sendIndex);
  app.get('/assets/*', async (request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '';
    const file = built.files.get(decodeURIComponent(path));
    if (!file) throw Problem.notFound('No such console file');
    return send(request, reply, file);
  });
}

function send(request: FastifyRequest, reply: FastifyReply, file: ConsoleFile) {
  // The type goes on a 304 too: the browser merges a 304's headers into its cached copy, and the
  // security headers pick the CSP by type (an HTML page must not inherit the API's default-src 'none').
  reply
    .type(file.type)
    .header('cache-control', file.cacheControl)
    .header('etag', file.etag)
    .header('vary', 'accept-encoding');
  if (matchesEtag(request.headers['if-none-match'], file.etag)) return reply.code(304).send();
  if (file.gzip && acceptsGzip(request.headers['accept-encoding'])) {
    return reply.header('content-encoding', 'gzip').send(file.gzip);
  }
  return reply.send(file.body);
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';');
    if (coding?.trim().toLowerCase() !== 'gzip') return false;
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
