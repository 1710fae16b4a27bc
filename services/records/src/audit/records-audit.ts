// Records' audit trail: every FHIR interaction produces an IHE BALP AuditEvent, refusals and
// failures included. Writes are audited inside their own transaction (the outbox the resource
// service enqueues its events into is wrapped, so the AuditEvent commits with the data); everything
// else — reads, searches, history, operations, failed or refused requests — is recorded by an
// onSend hook through the group-committing producer, before the response leaves: a successful read
// whose audit cannot be made durable is answered 503 instead (fail closed).
import { AsyncLocalStorage } from 'node:async_hooks';
import { principalOf as accessPrincipalOf } from '@healthlane/access';
import {
  type AuditClient,
  type AuditEventInput,
  type AuditInteraction,
  type AuditUser,
  buildAuditEvent,
  createAuditProducer,
  outcomeOfStatus,
  type PurposeOfUse,
} from '@healthlane/audit';
import type { Bus, Outbox } from '@healthlane/bus';
import { type Clock, fhirJson, Problem, problemKindForStatus, toOperationOutcome } from '@healthlane/kit';
import type { Database, Transaction } from '@healthlane/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { currentVersion } from '../store/resource-store.ts';
import type { WriteEventSink } from '../version-log.ts';
import { auditedRequest, patientsNamed, patientsOfResource } from './interaction.ts';

/** What records needs to know about the caller; @healthlane/access's Principal has this shape. */
export interface AuditPrincipal {
  subject: string;
  clientId: string;
  kind: 'user' | 'system';
  roles: readonly string[];
  tokenId?: string;
  breakGlass?: ReadonlyArray<{ patient: string; expiresAt: Date }>;
}

export interface RecordsAuditOptions {
  db: Database;
  bus: Bus;
  clock: Clock;
  logger: Logger;
  metrics: Registry;
  /** The request's verified principal; @healthlane/access's `principalOf` by default. */
  principalOf?: (request: FastifyRequest) => AuditPrincipal | undefined;
}

interface RequestState {
  request: FastifyRequest;
  /** AuditEvents enqueued with data in this request's transactions. */
  writesAudited: number;
}

const writeInteraction: Record<string, AuditInteraction> = {
  created: 'create',
  updated: 'update',
  deleted: 'delete',
};

function singleWrite(request: FastifyRequest): boolean {
  const route = request.is404 ? undefined : request.routeOptions.url;
  const audited = auditedRequest(request.method, route, request.params as Record<string, string>, undefined);
  return audited !== undefined && ['create', 'update', 'patch', 'delete'].includes(audited.interaction);
}

export function createRecordsAudit(options: RecordsAuditOptions) {
  const { clock, logger } = options;
  const producer = createAuditProducer({
    db: options.db,
    bus: options.bus,
    source: 'records',
    schema: 'records_audit',
    logger: logger.child({ component: 'audit' }),
  });
  const storage = new AsyncLocalStorage<RequestState>();
  const failures = new Counter({
    name: 'records_audit_failures_total',
    help: 'AuditEvents records could not commit (a successful read is then refused with 503)',
    registers: [options.metrics],
  });

  function actor(request: FastifyRequest | undefined, patients: readonly string[]) {
    if (request === undefined) {
      // No request: the platform itself (the demo loader) writes.
      return { client: { id: 'healthlane-records', name: 'HealthLane records (platform)' } as AuditClient };
    }
    const principal = (options.principalOf ?? accessPrincipalOf)(request);
    const now = clock.now().getTime();
    const breakGlass =
      principal?.breakGlass?.some(
        (grant) =>
          grant.expiresAt.getTime() > now &&
          (patients.includes(grant.patient) || patients.includes(`Patient/${grant.patient}`)),
      ) ?? false;
    const user: AuditUser | undefined =
      principal?.kind === 'user' ? { id: principal.subject, roles: [...principal.roles] } : undefined;
    const client: AuditClient | undefined =
      principal !== undefined && principal.clientId !== '' ? { id: principal.clientId } : undefined;
    return {
      ...(user === undefined ? {} : { user }),
      ...(client === undefined ? {} : { client }),
      address: request.ip,
      ...(principal?.tokenId ? { policy: [principal.tokenId] } : {}),
      ...(breakGlass ? { purposeOfUse: ['ETREAT', 'BTG'] as PurposeOfUse[] } : {}),
    };
  }

  function event(input: Omit<AuditEventInput, 'recorded' | 'observer'>) {
    return buildAuditEvent({ ...input, recorded: clock.now(), observer: 'records' });
  }

  /** The write's BALP AuditEvent (patients from the resource as written; none for a deletion). */
  function writeEvent(type: string, id: string, versionId: string, verb: string, resource: unknown) {
    const state = storage.getStore();
    const routed =
      state === undefined
        ? undefined
        : auditedRequest(state.request.method, state.request.routeOptions.url, {}, undefined);
    const interaction = routed?.interaction === 'patch' ? 'patch' : writeInteraction[verb]!;
    const patients = type === 'Patient' ? [`Patient/${id}`] : patientsOfResource(resource ?? undefined);
    if (state !== undefined) state.writesAudited += 1;
    return event({
      interaction,
      outcome: '0',
      resources: [`${type}/${id}/_history/${versionId}`],
      patients,
      ...actor(state?.request, patients),
    });
  }

  function refuseAuditEventWrites(type: string | undefined): void {
    if (type === 'AuditEvent') {
      throw Problem.methodNotAllowed(
        'AuditEvents are recorded by the platform only; the audit trail is append-only',
      );
    }
  }

  /**
   * The outbox the resource service writes its events to, auditing each write in the same
   * transaction. `writeEventSql` folds the data event and the AuditEvent into the version write's
   * own statement; `enqueue` does the same with statements of its own.
   */
  function auditingOutbox(
    outbox: Pick<Outbox, 'enqueue' | 'kick' | 'insertSql'>,
  ): Pick<Outbox, 'enqueue' | 'kick'> & Required<WriteEventSink> {
    return {
      writeEventSql(write, params) {
        refuseAuditEventWrites(write.type);
        const data = { resourceType: write.type, id: write.id, versionId: String(write.versionId) };
        const subject = `fhir.${write.type}.${write.event}`;
        const audit = writeEvent(write.type, write.id, data.versionId, write.event, write.resource);
        return [outbox.insertSql([{ subject, data }], params).sql, producer.insertSql(audit, params).sql];
      },
      async enqueue(tx: Transaction, subject, data, enqueueOptions) {
        const write = /^fhir\.([A-Za-z]+)\.(created|updated|deleted)$/.exec(subject);
        refuseAuditEventWrites(write?.[1]);
        const id = await outbox.enqueue(tx, subject, data, enqueueOptions);
        if (write === null) return id;
        const { id: resourceId, versionId } = data as { id: string; versionId: string };
        const type = write[1]!;
        const stored = type === 'Patient' ? undefined : await currentVersion(tx, type, resourceId);
        const resource = stored?.json ? JSON.parse(stored.json) : undefined;
        await producer.enqueue(tx, writeEvent(type, resourceId, versionId, write[2]!, resource));
        return id;
      },
      kick() {
        outbox.kick();
        producer.kick();
      },
    };
  }

  function requestEvent(request: FastifyRequest, status: number, payload: unknown) {
    const params = request.params as Record<string, string | undefined>;
    const audited = auditedRequest(
      request.method,
      request.is404 ? undefined : request.routeOptions.url,
      params,
      request.body,
    );
    if (audited === undefined) return undefined;
    const at = request.url.indexOf('?');
    const rawQuery = at < 0 ? '' : request.url.slice(at + 1);
    const form = audited.search && typeof request.body === 'string' ? request.body : '';
    const query = [rawQuery, form].filter((part) => part !== '').join('&');
    const patients = new Set(patientsNamed(audited, new URLSearchParams(query)));
    const single = ['read', 'vread', 'create', 'update', 'patch'].includes(audited.interaction);
    if (single && status < 300 && typeof payload === 'string' && audited.type !== 'Patient') {
      try {
        for (const patient of patientsOfResource(JSON.parse(payload))) patients.add(patient);
      } catch {
        // Not JSON (an empty body): nothing to learn.
      }
    }
    const resources =
      audited.type !== undefined && audited.id !== undefined
        ? [`${audited.type}/${audited.id}${audited.vid === undefined ? '' : `/_history/${audited.vid}`}`]
        : [];
    const patientList = [...patients];
    return event({
      interaction: audited.interaction,
      outcome: outcomeOfStatus(status),
      ...(status >= 400 ? { outcomeDesc: problemKindForStatus(status) } : {}),
      resources,
      patients: patientList,
      ...(audited.search && query !== ''
        ? { query, ...(audited.type === undefined ? {} : { queryType: audited.type }) }
        : {}),
      ...actor(request, patientList),
    });
  }

  function register(app: FastifyInstance): void {
    app.addHook('onRequest', (request, _reply, done) => {
      storage.run({ request, writesAudited: 0 }, done);
    });
    app.addHook('onSend', async (request, reply, payload) => {
      const status = reply.statusCode;
      const state = storage.getStore();
      // A successful REST write was audited with its data, in its own transaction (a Bundle's
      // entries were too, and the Bundle itself is recorded here).
      if (status < 400 && state !== undefined && state.writesAudited > 0 && singleWrite(request))
        return payload;
      const auditEvent = requestEvent(request, status, payload);
      if (auditEvent === undefined) return payload;
      try {
        await producer.record(auditEvent);
        return payload;
      } catch {
        failures.inc();
        logger.error({ status }, 'audit event not recorded');
        if (status >= 400) return payload;
        // Fail closed: no health information leaves without its audit record.
        const problem = Problem.unavailable('The access could not be audited; try again');
        reply.code(problem.status).type(fhirJson);
        reply.removeHeader('etag');
        reply.removeHeader('last-modified');
        reply.removeHeader('location');
        return JSON.stringify(toOperationOutcome(problem));
      }
    });
  }

  return {
    producer,
    auditingOutbox,
    register,
    migrate: () => producer.migrate(),
    start: () => producer.start(),
    stop: () => producer.stop(),
  };
}

export type RecordsAudit = ReturnType<typeof createRecordsAudit>;
