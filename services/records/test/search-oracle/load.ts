// Loads the oracle's data set into a records server through its REST API (examples with PUT,
// Synthea Bundles as transactions) and reads every stored resource back through system history,
// so the oracle sees exactly what the server stored (server ids, rewritten references, meta).
import { readFileSync } from 'node:fs';
import type { SearchClient } from './client.ts';
import type { Json } from './dataset.ts';
import type { Resource } from './oracle.ts';

export interface LoadFigures {
  examplesStored: number;
  /** Examples the server refused (the R4 errata the records service lists). */
  examplesRefused: string[];
  bundlesStored: number;
  bundlesRefused: string[];
  seconds: number;
}

export async function loadDataSet(
  client: SearchClient,
  examples: Json[],
  bundleFiles: string[],
): Promise<LoadFigures> {
  const started = Date.now();
  const figures: LoadFigures = {
    examplesStored: 0,
    examplesRefused: [],
    bundlesStored: 0,
    bundlesRefused: [],
    seconds: 0,
  };
  for (const example of examples) {
    const name = `${example.resourceType}/${example.id}`;
    const reply = await client.request('PUT', `/fhir/R4/${name}`, JSON.stringify(example));
    if (reply.status === 200 || reply.status === 201) figures.examplesStored++;
    else figures.examplesRefused.push(name);
  }
  for (const file of bundleFiles) {
    const name = file.split('/').pop();
    try {
      const reply = await client.request('POST', '/fhir/R4', readFileSync(file, 'utf8'));
      if (reply.status === 200) figures.bundlesStored++;
      else figures.bundlesRefused.push(`${name}: ${reply.status}`);
    } catch (error) {
      // A dropped connection (e.g. the server's request timeout on a slow machine) is reported, not fatal.
      figures.bundlesRefused.push(`${name}: ${(error as Error).message}`);
    }
  }
  figures.seconds = Math.round((Date.now() - started) / 100) / 10;
  return figures;
}

interface Page {
  entry?: Array<{ resource?: Resource; request?: { method: string } }>;
  link?: Array<{ relation: string; url: string }>;
}

/** Every current resource, via /_history (only creates were made, so each entry is current). */
export async function readBack(client: SearchClient): Promise<{ resources: Resource[]; base: string }> {
  const byName = new Map<string, Resource>();
  let path: string | undefined = '/fhir/R4/_history?_count=1000';
  let base = '';
  while (path) {
    const reply = await client.request('GET', path);
    if (reply.status !== 200) throw new Error(`reading history failed with ${reply.status}`);
    const page = JSON.parse(reply.body) as Page;
    for (const entry of page.entry ?? []) {
      const resource = entry.resource;
      if (!resource) continue;
      const name = `${resource.resourceType}/${resource.id}`;
      // Newest first: the first time a resource appears is its current version.
      if (!byName.has(name)) byName.set(name, resource);
    }
    const self = page.link?.find((link) => link.relation === 'self')?.url;
    if (self && !base) base = self.slice(0, self.indexOf('/_history'));
    const next = page.link?.find((link) => link.relation === 'next')?.url;
    path = next ? new URL(next).pathname + new URL(next).search : undefined;
  }
  return { resources: [...byName.values()], base };
}
