// Wires a verifier the way every HealthLane process uses it: JWKS from the identity service through
// the platform's peers (in-process or over HTTP), revocations and break-glass from the bus.
import type { Bus, Subscription } from '@healthlane/bus';
import type { Clock, PeerTransport } from '@healthlane/kit';
import type { JSONWebKeySet } from 'jose';
import type { AccessConfig } from './access-config.ts';
import { type AccessState, createAccessState, followAccessEvents } from './revocations.ts';
import { createTokenVerifier, type TokenVerifier } from './verifier.ts';

/** Where identity serves its key set (oidc-provider's jwks route under the /auth mount). */
export const jwksPath = '/auth/jwks';

export interface PlatformVerifier {
  verifier: TokenVerifier;
  state: AccessState;
  /** Subscribes to revocation and break-glass events (call from the service's start()). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createPlatformVerifier(options: {
  config: AccessConfig;
  peers: PeerTransport;
  bus: Bus;
  clock: Clock;
}): PlatformVerifier {
  const state = createAccessState(options.clock);
  const verifier = createTokenVerifier({
    issuer: options.config.issuer,
    audience: options.config.fhirBaseUrl,
    clock: options.clock,
    state,
    fetchJwks: async () => {
      const response = await options.peers.request({ method: 'GET', path: jwksPath, headers: {} });
      if (response.status !== 200) throw new Error(`identity answered ${response.status} for its key set`);
      return JSON.parse(Buffer.from(response.body).toString('utf8')) as JSONWebKeySet;
    },
  });
  let subscriptions: Subscription[] = [];
  return {
    verifier,
    state,
    async start() {
      subscriptions = await followAccessEvents(options.bus, state);
    },
    async stop() {
      await Promise.all(subscriptions.map((subscription) => subscription.close()));
      subscriptions = [];
    },
  };
}
