// Reads and settings per patient: the vitals series by range and resolution, the latest NEWS2,
// alerts, and the clinician-documented settings (SpO2 scale, vital limits); alert acknowledgement.
import { Problem } from '@healthlane/kit';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type VitalKind, vitalKindOf, vitalKinds } from '../domain/vital-codes.ts';
import { querySeries, type Resolution, resolutions } from '../store/series-query.ts';
import { snapshot } from './live-routes.ts';
import { fhirIdPattern, type RouteDeps } from './route-deps.ts';

/** Limits apply to measured values, not to ACVPU or air/oxygen. */
const numericKinds = [
  'respiratoryRate',
  'spo2',
  'systolicBp',
  'diastolicBp',
  'heartRate',
  'temperature',
] as const;
const limitSchema = z.object({ low: z.number().optional(), high: z.number().optional() }).strict();
const settingsSchema = z
  .object({
    spo2Scale: z.union([z.literal(1), z.literal(2)]),
    hypercapnicTargetRange: z.boolean().optional(),
    limits: z.partialRecord(z.enum(numericKinds), limitSchema).default({}),
    documentedBy: z.string().min(1).max(200),
  })
  .strict()
  .refine((s) => s.spo2Scale === 1 || s.hypercapnicTargetRange === true, {
    message: 'SpO2 scale 2 needs a documented hypercapnic target range (hypercapnicTargetRange: true)',
  });

function patientId(params: unknown): string {
  const id = (params as { id: string }).id;
  if (!fhirIdPattern.test(id)) throw Problem.invalid('the patient id must be a FHIR id');
  return id;
}

function instant(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw Problem.invalid(`"${name}" must be an ISO 8601 date-time`);
  return ms;
}

export function registerPatientRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/monitoring/v1/patients/:id/series', async (request) => {
    const id = patientId(request.params);
    const q = request.query as {
      code?: string;
      from?: string;
      to?: string;
      resolution?: string;
      limit?: string;
    };
    await deps.access({ action: 'read', request, patientId: id });
    const codes = (q.code ?? '').split(',').filter((c) => c !== '');
    const kinds = codes.map(
      (code) => vitalKindOf(code) ?? (vitalKinds.includes(code as VitalKind) ? code : undefined),
    );
    if (kinds.length === 0 || kinds.some((k) => k === undefined)) {
      throw Problem.invalid('"code" must list supported vital codes (LOINC or SNOMED CT), comma-separated');
    }
    const resolution = (q.resolution ?? 'raw') as Resolution;
    if (!resolutions.includes(resolution))
      throw Problem.invalid(`"resolution" must be one of ${resolutions.join(', ')}`);
    const now = deps.clock.now().getTime();
    const toMs = instant(q.to, 'to', now);
    const fromMs = instant(q.from, 'from', toMs - 3_600_000);
    if (fromMs >= toMs) throw Problem.invalid('"from" must be before "to"');
    const limit = q.limit === undefined ? 10_000 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
      throw Problem.invalid('"limit" must be 1–100000');
    const points = await querySeries(deps.db, {
      patientId: id,
      kinds: kinds as string[],
      fromMs,
      toMs,
      resolution,
      limit,
    });
    return {
      patient: id,
      resolution,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      points,
    };
  });

  app.get('/monitoring/v1/patients/:id/latest', async (request) => {
    const id = patientId(request.params);
    await deps.access({ action: 'read', request, patientId: id });
    return snapshot(deps, id);
  });

  app.get('/monitoring/v1/patients/:id/alerts', async (request) => {
    const id = patientId(request.params);
    await deps.access({ action: 'read', request, patientId: id });
    return { patient: id, alerts: await deps.alerts.list(id, 200) };
  });

  app.put('/monitoring/v1/patients/:id/settings', async (request) => {
    const id = patientId(request.params);
    await deps.access({ action: 'configure', request, patientId: id });
    const parsed = settingsSchema.safeParse(request.body);
    if (!parsed.success)
      throw Problem.invalid(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
    const settings = {
      spo2Scale: parsed.data.spo2Scale,
      limits: parsed.data.limits,
      documentedBy: parsed.data.documentedBy,
      documentedAt: deps.clock.now().toISOString(),
    };
    await deps.settings.put(id, settings);
    return { patient: id, ...settings };
  });

  app.post('/monitoring/v1/alerts/:id/acknowledge', async (request) => {
    const alertId = (request.params as { id: string }).id;
    // Decided on the alert's patient; an unknown alert is decided on none (the check answers 404).
    const open = deps.alerts.find(alertId);
    const principal = await deps.access({
      action: 'acknowledge',
      request,
      ...(open ? { patientId: open.patient } : {}),
    });
    if (!open) throw Problem.notFound('no open alert with this id');
    const by = (request.body as { by?: unknown } | null)?.by;
    if (typeof by !== 'string' || by.length === 0 || by.length > 200) {
      throw Problem.invalid('"by" must name who acknowledges (e.g. Practitioner/<id>)');
    }
    // In open mode the body names the acknowledger; with identity, the authenticated principal does.
    const actor = principal.actor === 'anonymous' ? by : principal.actor;
    const alert = await deps.alerts.acknowledge(alertId, actor);
    if (!alert) throw Problem.notFound('no open alert with this id');
    return alert;
  });
}
