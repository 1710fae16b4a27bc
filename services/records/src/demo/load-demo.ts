// Loads the demo patients shipped in services/records/demo-data (Synthea, synthetic people) through
// the same transaction processor as POST /fhir/R4, with shared Organizations and Practitioners
// deduplicated. Ids come from the bundles' urn:uuid fullUrls, so demo links are stable across
// machines and a bundle already loaded is recognised (by its Patient) and skipped.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProblem, type Logger, Problem } from '@healthlane/kit';
import { processBundle } from '../bundle/bundle-processor.ts';
import { matchByCriteria } from '../bundle/match-by-criteria.ts';
import { shareDirectoryResources } from '../bundle/shared-directory.ts';
import type { RequestContext, ResourceService } from '../domain/resource-service.ts';

// From source the data sits in the package; the bundled CLI (apps/cli/build.mjs) copies it beside itself.
const demoDataCandidates = ['../../demo-data/', './demo-data/'].map((path) =>
  fileURLToPath(new URL(path, import.meta.url)),
);
export const demoDataDirectory =
  demoDataCandidates.find((directory) => existsSync(join(directory, 'LICENSE'))) ?? demoDataCandidates[0]!;

const uuidUrn = /^urn:uuid:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The entry's own uuid as its id (demo links stay stable); a random one when there is none. */
function idFromFullUrl(_type: string, fullUrl: string | undefined): string {
  return uuidUrn.exec(fullUrl ?? '')?.[1]?.toLowerCase() ?? randomUUID();
}

interface DemoBundle {
  resourceType: 'Bundle';
  entry: Array<{ fullUrl?: string; resource?: { resourceType?: string } }>;
}

function patientId(bundle: DemoBundle): string | undefined {
  const patient = bundle.entry.find((entry) => entry.resource?.resourceType === 'Patient');
  return patient === undefined ? undefined : idFromFullUrl('Patient', patient.fullUrl);
}

async function isLoaded(service: ResourceService, ctx: RequestContext, id: string): Promise<boolean> {
  return service.inTransaction(async (tx) => {
    try {
      await service.read(tx, ctx, 'Patient', id);
      return true;
    } catch (error) {
      if (isProblem(error) && (error.kind === 'not-found' || error.kind === 'gone')) return false;
      throw error;
    }
  });
}

export interface LoadDemoOptions {
  /** Where the demo bundles are; services/records/demo-data by default. */
  directory?: string;
}

/** Resolves with the number of resources written by this call (0 when the demo is already there). */
export async function loadDemoData(
  service: ResourceService,
  ctx: RequestContext,
  logger: Logger,
  options: LoadDemoOptions = {},
): Promise<{ loaded: number }> {
  const directory = options.directory ?? demoDataDirectory;
  let files: string[];
  try {
    files = (await readdir(directory))
      .filter((name) => name.endsWith('.json') && name !== 'biome.json')
      .sort();
  } catch {
    logger.warn({ step: 'demo' }, 'demo data folder not found; nothing loaded');
    return { loaded: 0 };
  }
  const started = Date.now();
  let loaded = 0;
  let skipped = 0;
  for (const file of files) {
    const bundle = JSON.parse(await readFile(join(directory, file), 'utf8')) as DemoBundle;
    const patient = patientId(bundle);
    if (patient !== undefined && (await isLoaded(service, ctx, patient))) {
      skipped += 1;
      continue;
    }
    const reply = await processBundle(service, ctx, shareDirectoryResources(bundle), logger, 'minimal', {
      assignId: idFromFullUrl,
      match: matchByCriteria,
    });
    if (reply.failed > 0) throw Problem.unprocessable('A demo bundle could not be loaded');
    loaded += reply.entries;
  }
  logger.info(
    {
      step: 'demo',
      count: loaded,
      bundles: files.length - skipped,
      skipped,
      durationMs: Date.now() - started,
    },
    'demo data loaded',
  );
  return { loaded };
}
