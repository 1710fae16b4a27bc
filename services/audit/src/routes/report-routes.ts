// /audit: the per-patient "who accessed my record" report, the chain's head and lag, and an
// on-line verification of the chain (the same check as `healthlane audit verify`).
import { Problem } from '@healthlane/kit';
import type { Database } from '@healthlane/store';
import type { FastifyInstance } from 'fastify';
import type { AuditConfig } from '../config.ts';
import { type AuditSearch, dateRange } from '../domain/search-query.ts';
import { chainState, type LoggedEvent, searchEvents } from '../store/log-queries.ts';
import { verifyAuditLog } from '../store/verify-log.ts';
import type { AuditAccessPolicy } from './audit-access.ts';

interface EventShape {
  id?: string;
  recorded?: string;
  action?: string;
  outcome?: string;
  subtype?: Array<{ code?: string }>;
  purposeOfEvent?: Array<{ coding?: Array<{ code?: string }> }>;
  agent?: Array<{
    requestor?: boolean;
    altId?: string;
    name?: string;
    role?: Array<{ coding?: Array<{ code?: string }> }>;
    who?: { reference?: string; identifier?: { system?: string; value?: string } };
    network?: { address?: string };
  }>;
  entity?: Array<{ what?: { reference?: string }; role?: { code?: string } }>;
  source?: { observer?: { identifier?: { value?: string } } };
}

/** One line of the report: who, when, what, why, from where, and whether it was allowed. */
function accessLine(event: LoggedEvent) {
  const resource = event.resource as EventShape;
  const agents = resource.agent ?? [];
  const user = agents.find(
    (agent) => agent.who?.identifier?.system === 'urn:healthlane:user' || agent.who?.reference,
  );
  const client = agents.find((agent) => agent.who?.identifier?.system === 'urn:healthlane:client');
  return {
    event: resource.id,
    recorded: resource.recorded,
    action: resource.action,
    interaction: resource.subtype?.map((coding) => coding.code).join(' ') ?? '',
    outcome: resource.outcome === '0' ? 'success' : 'failure',
    service: resource.source?.observer?.identifier?.value,
    user:
      user === undefined ? undefined : { id: user.altId, name: user.name, reference: user.who?.reference },
    roles: user?.role?.flatMap((role) => role.coding?.map((coding) => coding.code) ?? []) ?? [],
    client: client?.altId,
    address: agents.find((agent) => agent.network?.address)?.network?.address,
    purposeOfUse:
      resource.purposeOfEvent?.flatMap((purpose) => purpose.coding?.map((coding) => coding.code) ?? []) ?? [],
    resources: (resource.entity ?? [])
      .filter((entity) => entity.role?.code === '4' && entity.what?.reference)
      .map((entity) => entity.what?.reference),
  };
}

export function registerReportRoutes(
  app: FastifyInstance,
  deps: { db: Database; config: AuditConfig; access: AuditAccessPolicy },
): void {
  const { db, config, access } = deps;

  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>(
    '/audit/patients/:id/access-report',
    async (request, reply) => {
      const { id } = request.params;
      if (!/^[A-Za-z0-9\-.]{1,64}$/.test(id)) throw Problem.invalid('The patient id is not a FHIR id');
      const patient = `Patient/${id}`;
      await access(request, { kind: 'access-report', patient });
      const query = request.query;
      const single = (name: string) => {
        const value = query[name];
        if (value !== undefined && typeof value !== 'string')
          throw Problem.invalid(`${name} may be given once`);
        return value;
      };
      const count = single('_count');
      const cursor = single('_cursor');
      const since = single('since');
      for (const [name, value] of [
        ['_count', count],
        ['_cursor', cursor],
      ] as const) {
        if (value !== undefined && !/^\d{1,15}$/.test(value))
          throw Problem.invalid(`${name} must be a whole number`);
      }
      const search: AuditSearch = {
        tokens: [{ param: 'patient', values: [patient], prefix: false }],
        dates: since === undefined ? [] : [[{ from: dateRange(since).from }]],
        ids: [],
        count: Math.min(Math.max(Number(count ?? config.searchDefaultCount), 1), config.searchMaxCount),
        ...(cursor === undefined ? {} : { before: Number(cursor) }),
      };
      const rows = await searchEvents(db, search);
      const page = rows.slice(0, search.count);
      const last = page.at(-1);
      const nextQuery = new URLSearchParams({ _count: String(search.count) });
      if (since !== undefined) nextQuery.set('since', since);
      if (last !== undefined) nextQuery.set('_cursor', String(last.seq));
      return reply.code(200).send({
        patient,
        accesses: page.map(accessLine),
        ...(rows.length > search.count && last !== undefined
          ? { next: `${request.protocol}://${request.host}/audit/patients/${id}/access-report?${nextQuery}` }
          : {}),
      });
    },
  );

  app.get('/audit/chain', async (request, reply) => {
    await access(request, { kind: 'verify' });
    return reply.code(200).send(await chainState(db));
  });

  app.get('/audit/chain/verify', async (request, reply) => {
    await access(request, { kind: 'verify' });
    const report = await verifyAuditLog(
      db,
      config.checkpointKey === undefined ? {} : { key: config.checkpointKey },
    );
    return reply.code(report.ok ? 200 : 409).send(report);
  });
}
