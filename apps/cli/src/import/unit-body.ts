// Turns a planned unit into the Bundle that goes to POST /fhir/R4. Bundle files get the records
// service's shared-directory transform (one Organization/Practitioner per identifier) and send
// creates that carry their own id (as Synthea's do) as PUTs to that id, so a unit sent twice —
// after a crash between the server's commit and the journal write — changes nothing the second
// time. NDJSON chunks become batch Bundles: PUT when a line has an id, POST otherwise.
import { open, readFile } from 'node:fs/promises';
// The one transform the demo loader uses too; imported by path until @healthlane/records exports it.
import { shareDirectoryResources } from '@healthlane/records';
import type { ImportUnit } from './import-plan.ts';

type Json = Record<string, unknown>;

export interface UnitBody {
  /** The Bundle as JSON text. */
  json: string;
  type: 'batch' | 'transaction';
  /** Where each sent entry came from: the Bundle entry index, or the NDJSON line number. */
  origin: number[];
  /** Lines that never left (not JSON, not a resource), with their line numbers. */
  rejected: Array<{ at: number; problem: string }>;
}

const fhirId = /^[A-Za-z0-9\-.]{1,64}$/;
const resourceType = /^[A-Z][A-Za-z]{1,63}$/;

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** POST entries whose resource carries an id matching its urn:uuid fullUrl become PUTs to that id. */
export function createsAsPuts(bundle: Json): Json {
  if (!Array.isArray(bundle.entry)) return bundle;
  const entry = bundle.entry.map((one: unknown) => {
    if (!isJson(one) || !isJson(one.request) || !isJson(one.resource)) return one;
    const { request, resource } = one;
    if (request.method !== 'POST' || request.ifNoneExist !== undefined) return one;
    const { id, resourceType: type } = resource;
    if (typeof id !== 'string' || !fhirId.test(id) || typeof type !== 'string') return one;
    if (one.fullUrl !== undefined && one.fullUrl !== `urn:uuid:${id}`) return one;
    return { ...one, request: { method: 'PUT', url: `${type}/${id}` } };
  });
  return { ...bundle, entry };
}

async function bundleBody(unit: ImportUnit): Promise<UnitBody> {
  const bundle = JSON.parse(await readFile(unit.file, 'utf8')) as Json;
  const prepared = createsAsPuts(shareDirectoryResources(bundle));
  const entries = Array.isArray(prepared.entry) ? prepared.entry : [];
  return {
    json: JSON.stringify(prepared),
    type: prepared.type === 'batch' ? 'batch' : 'transaction',
    origin: entries.map((_entry, index) => index),
    rejected: [],
  };
}

async function ndjsonBody(unit: ImportUnit): Promise<UnitBody> {
  const chunk = unit.chunk!;
  const handle = await open(unit.file, 'r');
  let text: string;
  try {
    const buffer = Buffer.alloc(chunk.end - chunk.start);
    await handle.read(buffer, 0, buffer.length, chunk.start);
    text = buffer.toString('utf8');
  } finally {
    await handle.close();
  }
  const entries: string[] = [];
  const origin: number[] = [];
  const rejected: UnitBody['rejected'] = [];
  text.split('\n').forEach((line, offset) => {
    if (line.trim() === '') return;
    const at = chunk.firstLine + offset;
    let resource: unknown;
    try {
      resource = JSON.parse(line);
    } catch {
      rejected.push({ at, problem: 'line is not valid JSON' });
      return;
    }
    if (
      !isJson(resource) ||
      typeof resource.resourceType !== 'string' ||
      !resourceType.test(resource.resourceType)
    ) {
      rejected.push({ at, problem: 'line is not a FHIR resource' });
      return;
    }
    const type = resource.resourceType;
    const id = typeof resource.id === 'string' && fhirId.test(resource.id) ? resource.id : undefined;
    const request =
      id === undefined ? { method: 'POST', url: type } : { method: 'PUT', url: `${type}/${id}` };
    // The line's own text goes in as-is: no re-serialization of what is already JSON.
    entries.push(`{"resource":${line.trim()},"request":${JSON.stringify(request)}}`);
    origin.push(at);
  });
  return {
    json: `{"resourceType":"Bundle","type":"batch","entry":[${entries.join(',')}]}`,
    type: 'batch',
    origin,
    rejected,
  };
}

export function unitBody(unit: ImportUnit): Promise<UnitBody> {
  return unit.kind === 'bundle' ? bundleBody(unit) : ndjsonBody(unit);
}
