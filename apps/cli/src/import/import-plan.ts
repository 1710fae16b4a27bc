// What `healthlane import` will send: the files named (folders searched recursively for .json and
// .ndjson), cut into units — a Bundle file is one unit, an NDJSON file one unit per chunk of lines.
// A unit's key (path, size, mtime, chunk) is what the journal records once the unit is done.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface ImportUnit {
  /** Stable across runs while the file is unchanged: `path|size|mtimeMs|chunk`. */
  key: string;
  file: string;
  kind: 'bundle' | 'ndjson';
  /** Resources (Bundle entries or NDJSON lines) in the unit. */
  resources: number;
  /** NDJSON only: the chunk's place and byte range in the file, and its first line's number (1-based). */
  chunk?: { index: number; start: number; end: number; firstLine: number };
}

export interface ImportPlan {
  files: string[];
  units: ImportUnit[];
  resources: number;
  /** Inputs that could not be planned (unreadable, not a Bundle): reported, never sent. */
  problems: Array<{ file: string; problem: string }>;
  /** JSON files found in folders that are not batch/transaction Bundles (manifests, configs). */
  ignored: string[];
}

class NotABundle extends Error {}

interface FoundFile {
  path: string;
  /** Named on the command line (a non-Bundle is then an error), not found in a folder. */
  named: boolean;
}

async function expand(input: string, out: FoundFile[]): Promise<void> {
  const info = await stat(input);
  if (info.isFile()) {
    out.push({ path: input, named: true });
    return;
  }
  if (!info.isDirectory()) return;
  const names = (await readdir(input)).sort();
  for (const name of names) {
    const path = join(input, name);
    const child = await stat(path);
    if (child.isDirectory()) await expand(path, out);
    else if (child.isFile() && /\.(json|ndjson)$/i.test(name)) out.push({ path, named: false });
  }
}

function unitKey(file: string, size: number, mtimeMs: number, chunk: number): string {
  return `${file}|${size}|${Math.trunc(mtimeMs)}|${chunk}`;
}

/** Splits an NDJSON file into chunks of `linesPerChunk` non-blank lines by byte offsets, in one pass. */
async function ndjsonUnits(
  file: string,
  size: number,
  mtimeMs: number,
  linesPerChunk: number,
): Promise<ImportUnit[]> {
  const units: ImportUnit[] = [];
  let offset = 0;
  let lineStart = 0;
  let lineNumber = 0;
  let chunkStart = 0;
  let chunkFirstLine = 1;
  let inChunk = 0;
  let lineHasContent = false;
  const close = (end: number) => {
    const index = units.length;
    units.push({
      key: unitKey(file, size, mtimeMs, index),
      file,
      kind: 'ndjson',
      resources: inChunk,
      chunk: { index, start: chunkStart, end, firstLine: chunkFirstLine },
    });
    inChunk = 0;
  };
  for await (const data of createReadStream(file)) {
    const buffer = data as Buffer;
    for (let i = 0; i < buffer.length; i++) {
      const byte = buffer[i]!;
      if (byte === 0x0a) {
        lineNumber += 1;
        if (lineHasContent) {
          if (inChunk === 0) {
            chunkStart = lineStart;
            chunkFirstLine = lineNumber;
          }
          inChunk += 1;
          if (inChunk === linesPerChunk) close(offset + i + 1);
        }
        lineStart = offset + i + 1;
        lineHasContent = false;
      } else if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) {
        lineHasContent = true;
      }
    }
    offset += buffer.length;
  }
  if (lineHasContent) {
    lineNumber += 1;
    if (inChunk === 0) {
      chunkStart = lineStart;
      chunkFirstLine = lineNumber;
    }
    inChunk += 1;
  }
  if (inChunk > 0) close(offset);
  return units;
}

async function bundleUnit(file: string, size: number, mtimeMs: number): Promise<ImportUnit> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as {
    resourceType?: unknown;
    type?: unknown;
    entry?: unknown;
  };
  if (parsed.resourceType !== 'Bundle' || (parsed.type !== 'transaction' && parsed.type !== 'batch')) {
    throw new NotABundle('not a transaction or batch Bundle');
  }
  const resources = Array.isArray(parsed.entry) ? parsed.entry.length : 0;
  return { key: unitKey(file, size, mtimeMs, 0), file, kind: 'bundle', resources };
}

export async function planImport(inputs: readonly string[], linesPerChunk: number): Promise<ImportPlan> {
  const found: FoundFile[] = [];
  const problems: ImportPlan['problems'] = [];
  const ignored: string[] = [];
  for (const input of inputs) {
    try {
      await expand(resolve(input), found);
    } catch {
      problems.push({ file: input, problem: 'cannot be read' });
    }
  }
  const units: ImportUnit[] = [];
  const files: string[] = [];
  for (const { path: file, named } of found) {
    try {
      const info = await stat(file);
      if (/\.ndjson$/i.test(file))
        units.push(...(await ndjsonUnits(file, info.size, info.mtimeMs, linesPerChunk)));
      else units.push(await bundleUnit(file, info.size, info.mtimeMs));
      files.push(file);
    } catch (error) {
      if (error instanceof NotABundle && !named) {
        ignored.push(file);
        continue;
      }
      problems.push({
        file,
        problem: error instanceof SyntaxError ? 'is not valid JSON' : (error as Error).message,
      });
    }
  }
  const resources = units.reduce((sum, unit) => sum + unit.resources, 0);
  return { files, units, resources, problems, ignored };
}
