// The platform services' own identity on the CLI side: `start` and `cluster` give identity and the
// services one shared secret for the internal service client (generated per run unless
// HEALTHLANE_SERVICE_CLIENT_SECRET is set, never written anywhere), and every host wraps its peer
// transport so calls to other services carry that client's client_credentials bearer token,
// obtained from identity's token endpoint through the same transport (in-process or the gateway).
import { randomBytes } from 'node:crypto';
import { createTokenSource, type PeerTransport, withBearerToken } from '@healthlane/client';

type Env = Record<string, string | undefined>;

export const serviceClientDefaultId = 'healthlane-services';
/** What the services ask for; identity bounds it by the client's registration (integration role). */
export const serviceClientScope = 'system/*.cruds';
/** identity's token endpoint, relative to the platform root (the gateway routes /auth to identity). */
export const tokenPath = '/auth/token';

export function authIsOn(env: Env): boolean {
  return (env.HEALTHLANE_AUTH ?? 'on').trim() !== 'off';
}

/** The environment with a service client secret: the given one, or a fresh one when auth is on. */
export function withServiceSecret(env: Env): Env {
  if (!authIsOn(env) || env.HEALTHLANE_SERVICE_CLIENT_SECRET) return env;
  return { ...env, HEALTHLANE_SERVICE_CLIENT_SECRET: randomBytes(32).toString('base64url') };
}

/**
 * The host's peerAuth: undefined when authentication is off (nothing to present) or no secret is
 * configured (then peer calls go out without a token and services refuse them).
 */
export function servicePeerAuth(env: Env): ((transport: PeerTransport) => PeerTransport) | undefined {
  const clientSecret = env.HEALTHLANE_SERVICE_CLIENT_SECRET;
  if (!authIsOn(env) || !clientSecret) return undefined;
  const clientId = env.HEALTHLANE_SERVICE_CLIENT_ID || serviceClientDefaultId;
  return (transport) =>
    withBearerToken(
      transport,
      createTokenSource({
        credentials: { clientId, clientSecret, scope: serviceClientScope },
        transport,
        tokenPath,
      }),
    );
}
