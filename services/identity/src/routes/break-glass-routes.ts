// Break-glass: a user whose role allows it opens one patient's record outside their normal reach,
// with a mandatory reason, for IDENTITY_BREAK_GLASS_DURATION. The grant is stored, published as
// identity.break-glass.opened (through the outbox: verifiers widen the user's live tokens with it,
// audit records it as emergency access and notifies the privacy officers) and carried in the
// user's next access tokens until it ends.
import { randomUUID } from 'node:crypto';
import {
  accessEvents,
  type BreakGlassOpenedEvent,
  roleMayBreakGlass,
  type TokenVerifier,
} from '@healthlane/access';
import type { Outbox } from '@healthlane/bus';
import { Problem } from '@healthlane/kit';
import type { Database } from '@healthlane/store';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { auditClient, type IdentityAudit } from '../identity-audit.ts';
import { insertBreakGlass } from '../store/break-glass-store.ts';
import { createLaunchContext } from '../store/launch-contexts.ts';
import { callerWithRole } from './caller.ts';

export interface BreakGlassDeps {
  db: Database;
  outbox: Outbox;
  verifier: TokenVerifier;
  now: () => Date;
  durationSeconds: number;
  onOpened: () => void;
  audit: IdentityAudit;
}

const patientId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);
const breakGlassBody = z.object({
  patient: patientId,
  reason: z.string().trim().min(10, 'give the reason in at least 10 characters').max(1000),
});
const launchBody = z.object({ patient: patientId.optional(), encounter: patientId.optional() });

function invalid(error: z.ZodError): Problem {
  return Problem.invalid('The request body is not valid', {
    issues: error.issues.map((issue) => ({
      severity: 'error' as const,
      code: 'required' as const,
      diagnostics: `${issue.path.join('.') || 'body'}: ${issue.message}`,
    })),
  });
}

export function registerBreakGlassRoutes(app: FastifyInstance, deps: BreakGlassDeps): void {
  const { db, outbox, verifier, now } = deps;

  app.post('/auth/break-glass', async (request, reply) => {
    const principal = await callerWithRole(request, verifier, ['clinician', 'nurse']);
    if (principal.kind !== 'user' || !principal.roles.some(roleMayBreakGlass)) {
      throw Problem.forbidden('This role may not open emergency access');
    }
    const parsed = breakGlassBody.safeParse(request.body);
    if (!parsed.success) throw invalid(parsed.error);
    const openedAt = now();
    const expiresAt = new Date(openedAt.getTime() + deps.durationSeconds * 1000);
    const grantId = randomUUID();
    const event: BreakGlassOpenedEvent = {
      grantId,
      subject: principal.subject,
      patient: parsed.data.patient,
      reason: parsed.data.reason,
      openedAt: openedAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
      roles: principal.roles,
    };
    await db.transaction(async (tx) => {
      await insertBreakGlass(tx, {
        id: grantId,
        userId: principal.subject,
        patientId: parsed.data.patient,
        reason: parsed.data.reason,
        openedAt,
        expiresAt,
      });
      await outbox.enqueue(tx, accessEvents.breakGlassOpened, event);
      // Emergency Override Started, with the grant; the reason stays in identity's own record.
      const client = auditClient(principal.clientId);
      await deps.audit.enqueue(tx, {
        interaction: 'break-glass',
        outcome: '0',
        user: { id: principal.subject, roles: [...principal.roles] },
        ...(client === undefined ? {} : { client }),
        address: request.ip,
        patients: [`Patient/${parsed.data.patient}`],
        purposeOfUse: ['ETREAT', 'BTG'],
        policy: [grantId],
      });
    });
    outbox.kick();
    deps.audit.kick();
    deps.onOpened();
    return reply
      .code(201)
      .send({ id: grantId, patient: parsed.data.patient, expiresAt: expiresAt.toISOString() });
  });

  // EHR launch: the EHR registers the context, then launches the app with `launch=<id>`.
  app.post('/auth/launch', async (request, reply) => {
    const principal = await callerWithRole(request, verifier, ['clinician', 'nurse', 'integration']);
    const parsed = launchBody.safeParse(request.body);
    if (!parsed.success) throw invalid(parsed.error);
    const launch = randomUUID();
    await createLaunchContext(
      db,
      launch,
      {
        ...(parsed.data.patient ? { patient: parsed.data.patient } : {}),
        ...(parsed.data.encounter ? { encounter: parsed.data.encounter } : {}),
      },
      principal.subject,
      new Date(now().getTime() + 10 * 60_000),
    );
    return reply.code(201).send({ launch });
  });
}
