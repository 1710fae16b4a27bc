// Administration (role admin): users (create, list, disable/enable, reset password), care teams and
// client registration. Disabling a user or resetting a password removes their sessions and refresh
// tokens in the same transaction and publishes identity.subject.revoked through the outbox, which
// every verifier applies (their access tokens stop working within seconds).
import { randomUUID } from 'node:crypto';
import {
  accessEvents,
  isRole,
  type Principal,
  type SubjectRevokedEvent,
  type TokenVerifier,
} from '@healthlane/access';
import type { Outbox } from '@healthlane/bus';
import { Problem } from '@healthlane/kit';
import type { Database, Transaction } from '@healthlane/store';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { hashPassword, passwordProblem } from '../domain/password.ts';
import { auditClient, type IdentityAudit } from '../identity-audit.ts';
import { recordRevocation } from '../store/revocation-store.ts';
import { insertUser, listUsers, removeOidcArtefacts, setDisabled, setPassword } from '../store/users.ts';
import { callerWithRole } from './caller.ts';

export interface AdminDeps {
  db: Database;
  outbox: Outbox;
  verifier: TokenVerifier;
  now: () => Date;
  audit: IdentityAudit;
}

const id = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);
const newUserBody = z.object({
  username: z.string().trim().min(1).max(128),
  displayName: z.string().max(256).default(''),
  roles: z.array(z.string().refine(isRole, 'unknown role')).min(1),
  patientId: id.optional(),
  password: z.string(),
});
const passwordBody = z.object({ password: z.string() });
const careTeamBody = z.object({
  name: z.string().trim().min(1).max(256),
  kind: z.enum(['ward', 'charge-nurse', 'rapid-response', 'other']),
  members: z.array(z.object({ userId: id, position: z.string().max(64).default('member') })).default([]),
  patients: z.array(id).max(5000).default([]),
});
const clientBody = z.object({
  client_id: z
    .string()
    .regex(/^[A-Za-z0-9\-._~]{3,128}$/)
    .optional(),
  client_name: z.string().max(256).optional(),
  redirect_uris: z.array(z.url()).default([]),
  grant_types: z.array(z.enum(['authorization_code', 'refresh_token', 'client_credentials'])).min(1),
  token_endpoint_auth_method: z.enum(['private_key_jwt', 'client_secret_basic', 'none']),
  /** SMART resource scopes the client may be given (OIDC scopes are always available). */
  scope: z.string().max(4096),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) }).optional(),
  hl_roles: z.array(z.string().refine(isRole, 'unknown role')).default([]),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw Problem.invalid('The request body is not valid', {
      issues: result.error.issues.map((issue) => ({
        severity: 'error' as const,
        code: 'invalid' as const,
        diagnostics: `${issue.path.join('.') || 'body'}: ${issue.message}`,
      })),
    });
  }
  return result.data;
}

export async function revokeSubject(
  tx: Transaction,
  outbox: Outbox,
  subject: string,
  reason: SubjectRevokedEvent['reason'],
  now: Date,
): Promise<void> {
  await removeOidcArtefacts(tx, subject);
  await recordRevocation(tx, subject, now, reason);
  const event: SubjectRevokedEvent = { subject, revokedAt: now.toISOString(), reason };
  await outbox.enqueue(tx, accessEvents.subjectRevoked, event);
}

export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { db, outbox, verifier, now } = deps;
  const admin = (request: import('fastify').FastifyRequest) => callerWithRole(request, verifier, ['admin']);

  /** ATNA user administration: the admin (user, client, address) and the user changed, never the values. */
  function userAdministration(
    request: import('fastify').FastifyRequest,
    principal: Principal,
    interaction: 'user-create' | 'user-change',
    target: { id: string; change: string },
  ) {
    const client = auditClient(principal.clientId);
    return {
      interaction,
      outcome: '0' as const,
      ...(principal.kind === 'user' ? { user: { id: principal.subject, roles: [...principal.roles] } } : {}),
      ...(client === undefined ? {} : { client }),
      address: request.ip,
      targetUser: target,
    };
  }

  app.get('/auth/admin/users', async (request) => {
    await admin(request);
    return (await listUsers(db)).map((user) => ({
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      roles: user.roles,
      patientId: user.patientId,
      mfa: user.totpSecret !== null,
      disabled: user.disabled,
    }));
  });

  app.post('/auth/admin/users', async (request, reply) => {
    const principal = await admin(request);
    const body = parse(newUserBody, request.body);
    const problem = passwordProblem(body.password);
    if (problem) throw Problem.invalid(problem);
    if (body.roles.includes('patient') && body.patientId === undefined) {
      throw Problem.invalid('A patient user needs the id of their Patient resource (patientId)');
    }
    const userId = randomUUID();
    const inserted = await insertUser(
      db,
      {
        id: userId,
        username: body.username,
        displayName: body.displayName,
        roles: body.roles as never,
        patientId: body.patientId ?? null,
        passwordHash: await hashPassword(body.password),
      },
      now(),
    );
    if (!inserted) throw Problem.conflict('The username is taken');
    await deps.audit.record(
      userAdministration(request, principal, 'user-create', { id: userId, change: 'created' }),
    );
    return reply.code(201).send({ id: userId });
  });

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/auth/admin/users/:id/${action}`, async (request, reply) => {
      const principal = await admin(request);
      const at = now();
      const found = await db.transaction(async (tx) => {
        const changed = await setDisabled(tx, request.params.id, disabled, at);
        if (changed && disabled) await revokeSubject(tx, outbox, request.params.id, 'disabled', at);
        if (changed) {
          await deps.audit.enqueue(
            tx,
            userAdministration(request, principal, 'user-change', {
              id: request.params.id,
              change: disabled ? 'disabled' : 'enabled',
            }),
          );
        }
        return changed;
      });
      if (!found) throw Problem.notFound('The user was not found');
      outbox.kick();
      deps.audit.kick();
      return reply.code(204).send();
    });
  }

  app.post<{ Params: { id: string } }>('/auth/admin/users/:id/password', async (request, reply) => {
    const principal = await admin(request);
    const { password } = parse(passwordBody, request.body);
    const problem = passwordProblem(password);
    if (problem) throw Problem.invalid(problem);
    const hash = await hashPassword(password);
    const at = now();
    const found = await db.transaction(async (tx) => {
      const { rowCount } = await tx.query('SELECT 1 FROM identity.app_user WHERE id = $1', [
        request.params.id,
      ]);
      if (rowCount === 0) return false;
      await setPassword(tx, request.params.id, hash, at);
      await revokeSubject(tx, outbox, request.params.id, 'password-reset', at);
      await deps.audit.enqueue(
        tx,
        userAdministration(request, principal, 'user-change', {
          id: request.params.id,
          change: 'password-reset',
        }),
      );
      return true;
    });
    if (!found) throw Problem.notFound('The user was not found');
    outbox.kick();
    deps.audit.kick();
    return reply.code(204).send();
  });

  app.post('/auth/admin/care-teams', async (request, reply) => {
    await admin(request);
    const body = parse(careTeamBody, request.body);
    const teamId = randomUUID();
    await db
      .transaction(async (tx) => {
        await tx.query(
          'INSERT INTO identity.care_team (id, name, kind, created_at) VALUES ($1, $2, $3, $4)',
          [teamId, body.name, body.kind, now()],
        );
        for (const member of body.members) {
          await tx.query(
            'INSERT INTO identity.care_team_member (team_id, user_id, position) VALUES ($1, $2, $3)',
            [teamId, member.userId, member.position],
          );
        }
        for (const patient of new Set(body.patients)) {
          await tx.query('INSERT INTO identity.care_team_patient (team_id, patient_id) VALUES ($1, $2)', [
            teamId,
            patient,
          ]);
        }
      })
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === '23503')
          throw Problem.invalid('A member is not a known user');
        throw error;
      });
    return reply.code(201).send({ id: teamId });
  });

  app.post('/auth/admin/clients', async (request, reply) => {
    await admin(request);
    const body = parse(clientBody, request.body);
    if (body.token_endpoint_auth_method === 'private_key_jwt' && body.jwks === undefined) {
      throw Problem.invalid('A private_key_jwt client needs its public keys (jwks)');
    }
    const clientId = body.client_id ?? randomUUID();
    const secret =
      body.token_endpoint_auth_method === 'client_secret_basic' ? randomUUID() + randomUUID() : undefined;
    const { scope, ...rest } = body;
    const metadata = {
      ...rest,
      hl_scope: scope,
      client_id: clientId,
      response_types: body.grant_types.includes('authorization_code') ? ['code'] : [],
      ...(secret === undefined ? {} : { client_secret: secret }),
    };
    const { rowCount } = await db.query(
      "INSERT INTO identity.oidc_model (model, id, payload) VALUES ('Client', $1, $2) ON CONFLICT DO NOTHING",
      [clientId, metadata],
    );
    if (rowCount === 0) throw Problem.conflict('The client id is taken');
    return reply
      .code(201)
      .send({ client_id: clientId, ...(secret === undefined ? {} : { client_secret: secret }) });
  });
}
