// The sign-in interaction oidc-provider hands over to: GET shows the login page, POST checks the
// credentials (rate-limited per client address, lockout per account, TOTP when enrolled), records
// the SMART launch context and grants the requested scopes the client may have, then returns the
// browser to the provider. A consent-only prompt (already signed in) is granted the same way.
import { Problem } from '@healthlane/kit';
import type { Database } from '@healthlane/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { IdentityConfig } from '../config.ts';
import { createAttemptLimiter } from '../domain/lockout.ts';
import { allowedResourceScopes, staticScopes } from '../domain/smart-scopes.ts';
import { auditClient, auditUser, type IdentityAudit, type IdentityAuditInput } from '../identity-audit.ts';
import { checkLogin, loginMessage } from '../login.ts';
import { registeredScope } from '../provider.ts';
import { findLaunchContext, type LaunchContext, saveGrantContext } from '../store/launch-contexts.ts';
import { renderLoginPage } from './login-page.ts';
import { asMounted } from './oidc-mount.ts';

export interface InteractionDeps {
  provider: Provider;
  db: Database;
  config: IdentityConfig;
  now: () => Date;
  onLogin: (outcome: 'success' | 'failure' | 'locked' | 'rate-limited') => void;
  audit: IdentityAudit;
}

const patientIdPattern = /^[A-Za-z0-9\-.]{1,64}$/;

export function registerInteractionRoutes(app: FastifyInstance, deps: InteractionDeps): void {
  const { provider, db, config, now } = deps;
  const limiter = createAttemptLimiter(config.loginRatePerMinute, 60_000, now);

  /** A sign-in is audited before it is answered; if that cannot be made durable it is not answered. */
  async function auditLogin(input: Omit<IdentityAuditInput, 'interaction'>) {
    try {
      await deps.audit.record({ interaction: 'login', ...input });
    } catch {
      throw Problem.unavailable('The sign-in could not be recorded; try again shortly');
    }
  }

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16_384 },
    (_r, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  async function details(request: FastifyRequest, reply: FastifyReply) {
    try {
      return await asMounted(request.raw, () => provider.interactionDetails(request.raw, reply.raw));
    } catch {
      throw Problem.invalid('The sign-in session expired or is not valid; start again from the app');
    }
  }

  function page(reply: FastifyReply, status: number, html: string) {
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  }

  async function finish(
    request: FastifyRequest,
    reply: FastifyReply,
    accountId: string,
    amr: string[] | undefined,
    context: LaunchContext,
  ) {
    const interaction = await details(request, reply);
    const params = interaction.params as Record<string, string | undefined>;
    const clientId = params.client_id ?? '';
    const client = await provider.Client.find(clientId);
    if (client === undefined) throw Problem.invalid('The client is not known');
    const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
    const grant = existing ?? new provider.Grant({ accountId, clientId });
    const requested = (params.scope ?? '').split(' ').filter((word) => word !== '');
    grant.addOIDCScope(
      requested.filter((word) => (staticScopes as readonly string[]).includes(word)).join(' '),
    );
    const resourceScopes = allowedResourceScopes(requested, registeredScope(client));
    if (resourceScopes.length > 0)
      grant.addResourceScope(config.access.fhirBaseUrl, resourceScopes.join(' '));
    const grantId = await grant.save();
    await saveGrantContext(db, grantId, context);
    const result = {
      ...(amr === undefined ? {} : { login: { accountId, amr } }),
      consent: { grantId },
    };
    const redirectTo = await asMounted(request.raw, () =>
      provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false }),
    );
    return reply.redirect(redirectTo, 303);
  }

  async function launchContext(params: Record<string, string | undefined>, patientField: string | undefined) {
    const scopes = new Set((params.scope ?? '').split(' '));
    const context: LaunchContext = {};
    if (params.launch && scopes.has('launch')) {
      const found = await findLaunchContext(db, params.launch, now());
      if (found === undefined) throw Problem.invalid('The launch context is unknown or expired');
      Object.assign(context, found);
    }
    if (
      context.patient === undefined &&
      scopes.has('launch/patient') &&
      patientField &&
      patientIdPattern.test(patientField)
    ) {
      context.patient = patientField;
    }
    return context;
  }

  app.get<{ Params: { uid: string } }>('/auth/interaction/:uid', async (request, reply) => {
    const interaction = await details(request, reply);
    const params = interaction.params as Record<string, string | undefined>;
    if (params.aud !== undefined && params.aud !== config.access.fhirBaseUrl) {
      throw Problem.invalid("The aud parameter must be this server's FHIR base URL");
    }
    if (interaction.prompt.name === 'consent' && interaction.session?.accountId) {
      return finish(
        request,
        reply,
        interaction.session.accountId,
        undefined,
        await launchContext(params, undefined),
      );
    }
    const client = await provider.Client.find(params.client_id ?? '');
    return page(
      reply,
      200,
      renderLoginPage({
        action: `/auth/interaction/${encodeURIComponent(request.params.uid)}/login`,
        clientName: client?.clientName ?? client?.clientId ?? 'An application',
        askPatient: (params.scope ?? '').split(' ').includes('launch/patient'),
      }),
    );
  });

  app.post<{ Params: { uid: string }; Body: Record<string, string | undefined> }>(
    '/auth/interaction/:uid/login',
    async (request, reply) => {
      const interaction = await details(request, reply);
      const params = interaction.params as Record<string, string | undefined>;
      const body = request.body ?? {};
      const username = (body.username ?? '').trim();
      const again = (status: number, error: string) =>
        page(
          reply,
          status,
          renderLoginPage({
            action: `/auth/interaction/${encodeURIComponent(request.params.uid)}/login`,
            clientName: params.client_id ?? 'An application',
            askPatient: (params.scope ?? '').split(' ').includes('launch/patient'),
            error,
            username,
          }),
        );
      const client = auditClient(params.client_id);
      const who = { ...(client === undefined ? {} : { client }), address: request.ip };
      if (!limiter.attempt(`ip:${request.ip}`) || !limiter.attempt(`user:${username.toLowerCase()}`)) {
        deps.onLogin('rate-limited');
        await auditLogin({ ...who, outcome: '4', outcomeDesc: 'rate-limited' });
        reply.header('retry-after', '60');
        return again(429, loginMessage('rate'));
      }
      const outcome = await checkLogin(
        db,
        { username, password: body.password ?? '', ...(body.otp ? { otp: body.otp.trim() } : {}) },
        config.lockout,
        now(),
      );
      if (!outcome.ok) {
        deps.onLogin(outcome.reason === 'locked' ? 'locked' : 'failure');
        // A name that matched no account stays out of the event (it may be a mistyped password).
        await auditLogin({
          ...who,
          ...(outcome.user === undefined ? {} : { user: auditUser(outcome.user) }),
          outcome: '4',
          outcomeDesc: outcome.reason === 'invalid' ? 'login-failed' : outcome.reason,
        });
        return again(outcome.reason === 'mfa-required' ? 200 : 401, loginMessage(outcome.reason));
      }
      deps.onLogin('success');
      await auditLogin({ ...who, user: auditUser(outcome.user), outcome: '0' });
      return finish(request, reply, outcome.user.id, outcome.amr, await launchContext(params, body.patient));
    },
  );
}
