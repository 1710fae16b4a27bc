// oidc-provider configured for HealthLane: authorization code + PKCE (S256 only), exact redirect
// URIs, single-use codes, rotating refresh tokens with an absolute lifetime, revocation,
// introspection, client_credentials with private_key_jwt (RS384/ES384, aud = token URL, exp ≤ 5 min,
// replayed jti refused) and JWT access tokens for the FHIR base (ES256, ≤ 5 min, signed with the
// keys kept in the database).
import type { Database } from '@healthlane/store';
import type { JWK } from 'jose';
import Provider, { type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { IdentityConfig } from './config.ts';
import { allowedResourceScopes, staticScopes } from './domain/smart-scopes.ts';
import { oidcMountPath } from './routes/oidc-mount.ts';
import { findGrantContext } from './store/launch-contexts.ts';
import { sqlAdapterFactory } from './store/oidc-adapter.ts';
import { findUser } from './store/users.ts';
import { accessTokenClaims } from './token-claims.ts';

export interface ProviderOptions {
  db: Database;
  config: IdentityConfig;
  keys: { privateKeys: JWK[]; cookieKeys: string[] };
  now: () => Date;
}

/** Longest a client assertion may live (SMART Backend Services: exp no more than five minutes ahead). */
const maxAssertionSeconds = 300;

function requestedWords(ctx: KoaContextWithOIDC): string[] {
  const entities = ctx.oidc.entities as Record<string, { scope?: string } | undefined>;
  const sources = [ctx.oidc.params?.scope, entities.AuthorizationCode?.scope, entities.RefreshToken?.scope];
  return sources.flatMap((text) => (typeof text === 'string' ? text.split(' ') : []));
}

/** The SMART resource scopes a client was registered with (metadata `hl_scope`). */
export function registeredScope(client: { metadata(): unknown }): string | undefined {
  const value = (client.metadata() as { hl_scope?: unknown }).hl_scope;
  return typeof value === 'string' ? value : undefined;
}

export function createProvider({ db, config, keys, now }: ProviderOptions): Provider {
  const { issuer, fhirBaseUrl } = config.access;
  const tokenUrl = `${issuer}/token`;
  const configuration: Configuration = {
    adapter: sqlAdapterFactory(db, now) as unknown as Configuration['adapter'],
    jwks: { keys: keys.privateKeys as NonNullable<Configuration['jwks']>['keys'] },
    cookies: { keys: keys.cookieKeys },
    scopes: [...staticScopes],
    claims: { openid: ['sub'], fhirUser: ['fhirUser'], profile: ['name'] },
    async findAccount(_ctx, sub) {
      const user = await findUser(db, sub);
      if (user === undefined || user.disabled) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            name: user.displayName,
            fhirUser:
              user.roles.includes('patient') && user.patientId
                ? `Patient/${user.patientId}`
                : `Practitioner/${sub}`,
          };
        },
      };
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      // Sign-out (end_session): the platform's own pages, no script; audited in provider-audit.ts.
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign out</title></head><body><main><h1>Sign out of HealthLane?</h1>${form}<button autofocus type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button> <button type="submit" form="op.logoutForm">No, stay signed in</button></main></body></html>`;
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body =
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head><body><main><h1>You are signed out</h1></main></body></html>';
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => fhirBaseUrl,
        useGrantedResource: async () => true,
        async getResourceServerInfo(ctx, resource, client) {
          if (resource !== fhirBaseUrl)
            throw new errors.InvalidTarget('the resource must be the FHIR base URL');
          const scope = allowedResourceScopes(requestedWords(ctx), registeredScope(client)).join(' ');
          return {
            scope,
            audience: fhirBaseUrl,
            accessTokenTTL: config.accessTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    pkce: { methods: ['S256'], required: () => true },
    // A browser client (the console) calls the token endpoint from the origin of its redirect URIs.
    clientBasedCORS: (_ctx, origin, client) =>
      (client.redirectUris ?? []).some((uri) => URL.canParse(uri) && new URL(uri).origin === origin),
    clientAuthMethods: ['client_secret_basic', 'private_key_jwt', 'none'],
    enabledJWA: { clientAuthSigningAlgValues: ['RS384', 'ES384'] },
    extraParams: ['launch', 'aud'],
    extraClientMetadata: {
      properties: ['hl_roles', 'hl_scope'],
      validator(_ctx, key, value) {
        if (key === 'hl_roles' && value !== undefined && !Array.isArray(value)) {
          throw new errors.InvalidClientMetadata('hl_roles must be an array');
        }
        if (key === 'hl_scope' && value !== undefined && typeof value !== 'string') {
          throw new errors.InvalidClientMetadata('hl_scope must be a string');
        }
      },
    },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    allowOmittingSingleRegisteredRedirectUri: false,
    responseTypes: ['code'],
    ttl: {
      AccessToken: config.accessTokenTtlSeconds,
      ClientCredentials: config.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Grant: config.refreshTokenTtlSeconds,
      // Absolute lifetime: a rotated refresh token inherits what is left of its predecessor's.
      RefreshToken(ctx) {
        const rotated = ctx?.oidc.entities.RotatedRefreshToken;
        return rotated ? rotated.remainingTTL : config.refreshTokenTtlSeconds;
      },
      // Idle timeout, capped by the absolute one counted from the login.
      Session(_ctx, session) {
        const loginTs = (session as { loginTs?: number }).loginTs;
        if (loginTs === undefined) return config.sessionIdleSeconds;
        const left = loginTs + config.sessionAbsoluteSeconds - Math.floor(now().getTime() / 1000);
        return Math.max(1, Math.min(config.sessionIdleSeconds, left));
      },
    },
    rotateRefreshToken: () => true,
    async issueRefreshToken(_ctx, client, code) {
      return (
        client.grantTypeAllowed('refresh_token') &&
        (code.scopes.has('offline_access') || code.scopes.has('online_access'))
      );
    },
    async extraTokenClaims(ctx, token) {
      const client = ctx.oidc.client;
      const roles = (client?.metadata() as { hl_roles?: unknown } | undefined)?.hl_roles;
      return accessTokenClaims(
        db,
        token as unknown as { accountId?: string; grantId?: string },
        client === undefined
          ? undefined
          : { clientId: client.clientId, roles: Array.isArray(roles) ? roles : [] },
        now(),
      );
    },
    async assertJwtClientAuthClaimsAndHeader(_ctx, claims) {
      const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!aud.includes(tokenUrl)) {
        throw new errors.InvalidClientAuth('the client assertion audience must be the token endpoint URL');
      }
      const exp = typeof claims.exp === 'number' ? claims.exp : 0;
      if (exp - Math.floor(now().getTime() / 1000) > maxAssertionSeconds) {
        throw new errors.InvalidClientAuth('the client assertion must expire within five minutes');
      }
    },
    interactions: { url: (_ctx, interaction) => `/auth/interaction/${interaction.uid}` },
    async renderError(ctx, out) {
      ctx.type = 'html';
      const safe = (text: unknown) => String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><main><h1>Sign-in error</h1><p>${safe(out.error)}: ${safe(out.error_description)}</p></main></body></html>`;
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.proxy = true;

  // SMART apps ask for offline_access without prompt=consent, which OpenID Connect would make the
  // provider drop. Consent here is the platform's (granted in the interaction), so the prompt is added.
  provider.use(async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === '/auth') {
      const query = new URLSearchParams(ctx.querystring);
      if ((query.get('scope') ?? '').split(' ').includes('offline_access') && !query.has('prompt')) {
        query.set('prompt', 'consent');
        ctx.querystring = query.toString();
        // The mount path is read off originalUrl, which must still end with the (new) url.
        (ctx.req as { originalUrl?: string }).originalUrl = `${oidcMountPath}${ctx.url}`;
      }
    }
    await next();
  });

  // SMART: the token response carries the launch context the grant was given.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'token' || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    const entities = ctx.oidc.entities as Record<string, { grantId?: string } | undefined>;
    const grantId = entities.AuthorizationCode?.grantId ?? entities.RefreshToken?.grantId;
    if (body === undefined || typeof body.access_token !== 'string' || grantId === undefined) return;
    const context = await findGrantContext(db, grantId);
    const accountId =
      (entities.AuthorizationCode as { accountId?: string } | undefined)?.accountId ??
      (entities.RefreshToken as { accountId?: string } | undefined)?.accountId;
    const user = accountId === undefined ? undefined : await findUser(db, accountId);
    const patient = user?.roles.includes('patient') ? (user.patientId ?? undefined) : context.patient;
    if (patient !== undefined) body.patient = patient;
    if (context.encounter !== undefined) body.encounter = context.encounter;
  });
  return provider;
}
