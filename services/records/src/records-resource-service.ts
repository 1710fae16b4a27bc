// The ResourceService the REST routes and the bundle processor call: every write validates,
// authorizes, versions, indexes and enqueues its event inside the caller's transaction, so a
// failure anywhere stores nothing and publishes nothing.
import type { Outbox } from '@healthlane/bus';
import { type Clock, type Issue, Problem } from '@healthlane/kit';
import { type Database, isSerializationFailure, type SqlExecutor } from '@healthlane/store';
import { applyPatch, patchFormat } from './domain/apply-patch.ts';
import { type Authorize, type InteractionKind, authorize as platformAuthorize } from './domain/authorize.ts';
import { isResourceType } from './domain/fhir-model.ts';
import { exceedsDepth, type JsonObject, requireResource, sameContent } from './domain/resource-body.ts';
import { assertValidId, parseVersionId } from './domain/resource-id.ts';
import type {
  CreateOptions,
  DeleteResult,
  RequestContext,
  ResourceService,
  WriteOptions,
  WriteResult,
} from './domain/resource-service.ts';
import { toIssue, validationIssues } from './domain/validation.ts';
import { createRecordsSearch, type RecordsSearch } from './search/records-search.ts';
import type { SearchLimits } from './search/search-service.ts';
import { createReadCoalescer } from './store/read-coalescer.ts';
import {
  countResources,
  currentVersion,
  type HistoryQuery,
  historyPage,
  lockCriteria,
  lockResource,
  type VersionRecord,
  versionAt,
} from './store/resource-store.ts';
import {
  assertIfMatch,
  createVersionLog,
  readCurrent,
  storedFrom,
  type WriteEventSink,
} from './version-log.ts';

export type WriteInteraction = 'create' | 'update' | 'patch' | 'delete';

export interface RecordsResourceServiceOptions {
  db: Database;
  outbox: WriteEventSink & Pick<Outbox, 'kick'>;
  clock: Clock;
  /** Server-assigned ids for creates. */
  newId: () => string;
  maxJsonDepth: number;
  /** The authorization hook; the platform's `authorize` (src/domain/authorize.ts) by default. */
  authorize?: Authorize;
  /** Called after each write decision (for metrics); never given ids or content. */
  onWrite?: (interaction: WriteInteraction, outcome: string) => void;
  /** Page sizes and the _total=accurate bound; defaults suit tests and small stores. */
  searchLimits?: SearchLimits;
}

const defaultSearchLimits: SearchLimits = { defaultCount: 20, maxCount: 1000, totalBound: 10_000 };

export interface HistoryScope {
  type?: string;
  id?: string;
}

/** The ResourceService plus what the REST routes need besides: history, $validate, the demo check. */
export interface RecordsResourceService extends ResourceService {
  /** Versions newest first, `count + 1` at most (the extra one signals a next page). */
  history(
    db: SqlExecutor,
    ctx: RequestContext,
    scope: HistoryScope,
    query: Omit<HistoryQuery, 'type' | 'id'>,
  ): Promise<VersionRecord[]>;
  /** Every validator issue for `body` as a `type` (and `id`, at instance level); shape errors throw. */
  validate(ctx: RequestContext, type: string, body: unknown, id?: string): Issue[];
  /** Resources in the store (live or deleted). */
  count(db: SqlExecutor): Promise<number>;
  /** FHIR search (type, system, compartment) over the search index. */
  search: RecordsSearch;
  /** Ids of live resources matching conditional criteria (any search parameters); two at most (one vs many). */
  match(db: SqlExecutor, ctx: RequestContext, type: string, criteria: string): Promise<string[]>;
}

/** How many times a transaction that lost a deadlock or serialization race is run again. */
const transactionAttempts = 3;

function conditionalConflict(): Problem {
  return Problem.preconditionFailed('The search criteria match more than one resource', {
    issues: [
      {
        severity: 'error',
        code: 'multiple-matches',
        diagnostics: 'The search criteria match more than one resource',
      },
    ],
  });
}

export function createRecordsResourceService(options: RecordsResourceServiceOptions): RecordsResourceService {
  const { db, outbox, clock, newId, maxJsonDepth } = options;
  const onWrite = options.onWrite ?? (() => {});
  const authorize = options.authorize ?? platformAuthorize;

  function assertType(type: string): void {
    if (!isResourceType(type)) throw Problem.notFound('The resource type is not supported');
  }

  function check(
    ctx: RequestContext,
    kind: InteractionKind,
    type: string,
    id?: string,
    resource?: unknown,
  ): void {
    authorize(ctx, {
      kind,
      type,
      ...(id === undefined ? {} : { id }),
      ...(resource === undefined ? {} : { resource }),
    });
  }

  const versions = createVersionLog({ outbox, clock });
  const coalescedRead = createReadCoalescer(db);
  const search = createRecordsSearch(authorize, options.searchLimits ?? defaultSearchLimits, clock);

  const service: RecordsResourceService = {
    async inTransaction(work) {
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await db.transaction(work);
          outbox.kick();
          return result;
        } catch (error) {
          if (!isSerializationFailure(error) || attempt >= transactionAttempts) throw error;
        }
      }
    },

    async read(executor, ctx, type, id) {
      assertType(type);
      assertValidId(id);
      check(ctx, 'read', type, id);
      // Outside a transaction, concurrent reads share one statement (see read-coalescer.ts).
      return executor === db ? readCurrent(db, type, id, coalescedRead) : readCurrent(executor, type, id);
    },

    async vread(executor, ctx, type, id, versionId) {
      assertType(type);
      assertValidId(id);
      check(ctx, 'vread', type, id);
      const number = parseVersionId(versionId);
      const version = number === undefined ? undefined : await versionAt(executor, type, id, number);
      if (version === undefined) throw Problem.notFound('The resource version was not found');
      if (version.json === null) throw Problem.gone('This version of the resource is a deletion');
      return storedFrom(type, id, version.versionId, version.lastUpdated, version.json);
    },

    async create(tx, ctx, type, body, createOptions: CreateOptions = {}) {
      assertType(type);
      const resource = requireResource(body, { type, maxDepth: maxJsonDepth });
      check(ctx, 'create', type, createOptions.id, resource);
      if (createOptions.ifNoneExist !== undefined) {
        const criteria = search.criteria(type, createOptions.ifNoneExist);
        check(ctx, 'search-type', type);
        await lockCriteria(tx, type, criteria.normalized);
        const matches = await search.match(tx, type, criteria, 2);
        if (matches.length > 1) throw conditionalConflict();
        if (matches.length === 1) {
          onWrite('create', 'matched');
          // The match is returned to the client: reading it must be allowed too.
          check(ctx, 'read', type, matches[0]!);
          return { outcome: 'matched', resource: await readCurrent(tx, type, matches[0]!) };
        }
      }
      const id = createOptions.id ?? newId();
      assertValidId(id);
      if (createOptions.id !== undefined && createOptions.fresh !== true) {
        await lockResource(tx, type, id);
        if ((await currentVersion(tx, type, id)) !== undefined)
          throw Problem.conflict('A resource with this id already exists');
      }
      const stored = await versions.commit(tx, type, id, 1, 'POST', resource, 'created');
      onWrite('create', 'created');
      return { outcome: 'created', resource: stored! };
    },

    async update(tx, ctx, type, id, body, writeOptions: WriteOptions = {}) {
      assertType(type);
      assertValidId(id);
      const resource = requireResource(body, { type, maxDepth: maxJsonDepth });
      if (resource.id !== id) {
        throw Problem.invalid('The resource id in the body must be present and match the id in the URL', {
          issues: [
            {
              severity: 'error',
              code: 'invalid',
              diagnostics: 'The id in the body does not match the URL',
              expression: [`${type}.id`],
            },
          ],
        });
      }
      check(ctx, 'update', type, id, resource);
      await lockResource(tx, type, id);
      const current = await currentVersion(tx, type, id);
      assertIfMatch(current, writeOptions.ifMatch);
      const live = current !== undefined && current.json !== null ? current : undefined;
      if (live && sameContent(resource, JSON.parse(live.json!) as JsonObject)) {
        onWrite('update', 'unchanged');
        return {
          outcome: 'unchanged',
          resource: storedFrom(type, id, live.versionId, live.lastUpdated, live.json!),
        };
      }
      const outcome = live ? 'updated' : 'created';
      const stored = await versions.commit(
        tx,
        type,
        id,
        (current?.versionId ?? 0) + 1,
        'PUT',
        resource,
        outcome,
      );
      onWrite('update', outcome);
      return { outcome, resource: stored! };
    },

    async conditionalUpdate(
      tx,
      ctx,
      type,
      criteriaText,
      body,
      writeOptions: WriteOptions = {},
    ): Promise<WriteResult> {
      assertType(type);
      const resource = requireResource(body, { type, maxDepth: maxJsonDepth });
      const criteria = search.criteria(type, criteriaText);
      check(ctx, 'search-type', type); // a conditional write is a search, then a write
      await lockCriteria(tx, type, criteria.normalized);
      const matches = await search.match(tx, type, criteria, 2);
      if (matches.length > 1) throw conditionalConflict();
      const match = matches[0];
      if (match !== undefined) {
        if (resource.id !== undefined && resource.id !== match) {
          throw Problem.invalid('The id in the body does not match the resource the criteria select');
        }
        return service.update(tx, ctx, type, match, { ...resource, id: match }, writeOptions);
      }
      if (typeof resource.id === 'string')
        return service.update(tx, ctx, type, resource.id, resource, writeOptions);
      assertIfMatch(undefined, writeOptions.ifMatch);
      return service.create(tx, ctx, type, resource);
    },

    async patch(tx, ctx, type, id, patchDocument, contentType, writeOptions: WriteOptions = {}) {
      assertType(type);
      assertValidId(id);
      const format = patchFormat(contentType);
      // Bounded before it is applied: cloning or comparing an unbounded value would exhaust the stack.
      if (exceedsDepth(patchDocument, maxJsonDepth)) {
        throw Problem.invalid(`The patch nests deeper than ${maxJsonDepth} levels`);
      }
      await lockResource(tx, type, id);
      const current = await currentVersion(tx, type, id);
      const before = current?.json == null ? undefined : (JSON.parse(current.json) as JsonObject);
      // Asked before anything about the resource is revealed: existence, version, or what a patch
      // `test` operation would disclose. The hook sees the stored version being patched.
      check(ctx, 'patch', type, id, before);
      if (current === undefined) throw Problem.notFound('The resource was not found');
      assertIfMatch(current, writeOptions.ifMatch);
      if (before === undefined || current.json === null) throw Problem.gone('The resource has been deleted');
      const patched = applyPatch(format, before, patchDocument);
      if (patched.resourceType !== type || patched.id !== id) {
        throw Problem.unprocessable('A patch must not change the resourceType or id');
      }
      const resource = requireResource(patched, { type, maxDepth: maxJsonDepth });
      if (sameContent(resource, before)) {
        onWrite('patch', 'unchanged');
        return {
          outcome: 'unchanged',
          resource: storedFrom(type, id, current.versionId, current.lastUpdated, current.json),
        };
      }
      const stored = await versions.commit(tx, type, id, current.versionId + 1, 'PATCH', resource, 'updated');
      onWrite('patch', 'updated');
      return { outcome: 'updated', resource: stored! };
    },

    async delete(tx, ctx, type, id, writeOptions: WriteOptions = {}): Promise<DeleteResult> {
      assertType(type);
      assertValidId(id);
      check(ctx, 'delete', type, id);
      await lockResource(tx, type, id);
      const current = await currentVersion(tx, type, id);
      // If-Match names the current version (a deletion's own, once deleted); else 412, nothing written.
      assertIfMatch(current, writeOptions.ifMatch);
      // Deleting what does not exist, or is already deleted, succeeds and changes nothing (R4 http 3.1.0.7).
      if (current === undefined || current.deleted) {
        onWrite('delete', 'absent');
        return { outcome: 'absent' };
      }
      const versionId = current.versionId + 1;
      await versions.commit(tx, type, id, versionId, 'DELETE', null, 'deleted');
      onWrite('delete', 'deleted');
      return { outcome: 'deleted', versionId: String(versionId) };
    },

    async conditionalDelete(tx, ctx, type, criteriaText) {
      assertType(type);
      const criteria = search.criteria(type, criteriaText);
      check(ctx, 'search-type', type); // a conditional write is a search, then a write
      await lockCriteria(tx, type, criteria.normalized);
      const matches = await search.match(tx, type, criteria, 2);
      if (matches.length > 1) throw conditionalConflict();
      if (matches.length === 0) {
        onWrite('delete', 'absent');
        return { outcome: 'absent' };
      }
      return service.delete(tx, ctx, type, matches[0]!);
    },

    async history(executor, ctx, scope, query) {
      if (scope.type !== undefined) assertType(scope.type);
      if (scope.id !== undefined) assertValidId(scope.id);
      const kind =
        scope.id !== undefined
          ? 'history-instance'
          : scope.type !== undefined
            ? 'history-type'
            : 'history-system';
      authorize(ctx, { kind, ...scope });
      if (
        scope.type !== undefined &&
        scope.id !== undefined &&
        (await currentVersion(executor, scope.type, scope.id)) === undefined
      ) {
        throw Problem.notFound('The resource was not found');
      }
      return historyPage(executor, { ...scope, ...query });
    },

    validate(ctx, type, body, id) {
      assertType(type);
      let candidate = body;
      const parameters = body as {
        resourceType?: unknown;
        parameter?: Array<{ name?: unknown; resource?: unknown }>;
      } | null;
      if (
        type !== 'Parameters' &&
        parameters?.resourceType === 'Parameters' &&
        Array.isArray(parameters.parameter)
      ) {
        candidate = parameters.parameter.find((parameter) => parameter?.name === 'resource')?.resource;
      }
      const resource = requireResource(candidate, { type, maxDepth: maxJsonDepth });
      check(ctx, 'validate', type, id, resource);
      const issues = validationIssues(resource, type).map(toIssue);
      if (id !== undefined && resource.id !== id) {
        issues.push({
          severity: 'error',
          code: 'invalid',
          diagnostics: 'The id in the resource does not match the URL',
          expression: [`${type}.id`],
        });
      }
      return issues;
    },

    count: (executor) => countResources(executor),

    search,

    async match(executor, ctx, type, criteriaText) {
      assertType(type);
      authorize(ctx, { kind: 'search-type', type });
      return search.match(executor, type, search.criteria(type, criteriaText), 2);
    },
  };
  return service;
}
