// Instance-level access control around the resource service: what a read returns, what a write
// stores and what it overwrites or deletes must be within the principal's reach (the patient
// compartment, care team, break-glass). A refusal inside a transaction rolls it back whole, so a
// transaction Bundle with one forbidden entry stores nothing. History is filtered entry by entry.

import { isProblem } from '@healthlane/kit';
import type { SqlExecutor } from '@healthlane/store';
import {
  type AuthorizeOptions,
  authorizeResource,
  canSee,
  needsCompartmentFilter,
  platformPrincipal,
} from './domain/authorize.ts';
import type { RequestContext } from './domain/resource-service.ts';
import type { RecordsResourceService } from './records-resource-service.ts';

const asPlatform = (ctx: RequestContext): RequestContext => ({ ...ctx, principal: platformPrincipal });

export function guardResourceService(
  service: RecordsResourceService,
  options: AuthorizeOptions,
): RecordsResourceService {
  const parse = (json: string | null) => (json === null ? undefined : (JSON.parse(json) as unknown));

  /** The live version, read as the platform (the caller may not hold 'r'); undefined when absent. */
  async function current(executor: SqlExecutor, ctx: RequestContext, type: string, id: string) {
    try {
      return parse((await service.read(executor, asPlatform(ctx), type, id)).json);
    } catch (error) {
      if (isProblem(error) && (error.kind === 'not-found' || error.kind === 'gone')) return undefined;
      throw error;
    }
  }

  /**
   * Search results (matches, _include, _revinclude, $everything) the principal may not see are
   * dropped from the searchset. `total` always goes for such a principal — also when this page
   * hid nothing and for `_summary=count` — since the database counted matches it may not see
   * (other pages, other patients).
   */
  function visibleBundle(ctx: RequestContext, text: string): string {
    if (!needsCompartmentFilter(ctx)) return text;
    const bundle = JSON.parse(text) as {
      total?: number;
      entry?: Array<{ resource?: { resourceType?: string }; search?: { mode?: string } }>;
    };
    const entries = bundle.entry ?? [];
    const kept = entries.filter(
      (entry) =>
        entry.resource === undefined ||
        entry.search?.mode === 'outcome' ||
        canSee(ctx, entry.resource.resourceType ?? '', entry.resource, options),
    );
    if (kept.length === entries.length && bundle.total === undefined) return text;
    if (kept.length !== entries.length) bundle.entry = kept;
    delete bundle.total;
    return JSON.stringify(bundle);
  }

  const guarded: RecordsResourceService = {
    ...service,
    search: {
      ...service.search,
      async search(executor, ctx, input) {
        return visibleBundle(ctx, await service.search.search(executor, ctx, input));
      },
      async compartment(executor, ctx, input, compartment) {
        return visibleBundle(ctx, await service.search.compartment(executor, ctx, input, compartment));
      },
    },
    async read(executor, ctx, type, id) {
      const stored = await service.read(executor, ctx, type, id);
      authorizeResource(ctx, 'read', type, parse(stored.json), options);
      return stored;
    },
    async vread(executor, ctx, type, id, versionId) {
      const stored = await service.vread(executor, ctx, type, id, versionId);
      authorizeResource(ctx, 'vread', type, parse(stored.json), options);
      return stored;
    },
    async create(tx, ctx, type, body, createOptions) {
      const result = await service.create(tx, ctx, type, body, createOptions);
      authorizeResource(
        ctx,
        result.outcome === 'matched' ? 'read' : 'create',
        type,
        parse(result.resource.json),
        options,
      );
      return result;
    },
    async update(tx, ctx, type, id, body, writeOptions) {
      const before = await current(tx, ctx, type, id);
      if (before !== undefined) authorizeResource(ctx, 'update', type, before, options);
      const result = await service.update(tx, ctx, type, id, body, writeOptions);
      authorizeResource(ctx, 'update', type, parse(result.resource.json), options);
      return result;
    },
    async patch(tx, ctx, type, id, patchDocument, contentType, writeOptions) {
      const result = await service.patch(tx, ctx, type, id, patchDocument, contentType, writeOptions);
      authorizeResource(ctx, 'patch', type, parse(result.resource.json), options);
      return result;
    },
    async delete(tx, ctx, type, id, writeOptions) {
      const before = await current(tx, ctx, type, id);
      if (before !== undefined) authorizeResource(ctx, 'delete', type, before, options);
      return service.delete(tx, ctx, type, id, writeOptions);
    },
    async history(executor, ctx, scope, query) {
      const versions = await service.history(executor, ctx, scope, query);
      if (!needsCompartmentFilter(ctx)) return versions;
      if (scope.id !== undefined && scope.type !== undefined) {
        // Instance history: decided on the current version (404 when out of reach, as a read).
        const live = await current(executor, ctx, scope.type, scope.id);
        const latest =
          live ?? versions.map((version) => parse(version.json)).find((json) => json !== undefined);
        authorizeResource(ctx, 'read', scope.type, latest, options);
        return versions;
      }
      // Type and system history: only what the principal may see. A filtered page may be short
      // (and then ends the paging early): it never shows what is out of reach.
      return versions.filter(
        (version) => version.json !== null && canSee(ctx, version.resourceType, parse(version.json), options),
      );
    },
  };
  return guarded;
}
