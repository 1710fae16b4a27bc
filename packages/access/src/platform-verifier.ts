// Wires a verifier the way every HealthLane process uses it: JWKS from the identity service through
// the platform's peers (in-process or over HTTP), revocations and break-glass live from the bus, and
// identity's persisted revocation list loaded at start and every `revocationRefreshMs` after (so a
// verifier that starts later, or missed events while its bus connection was down, still honours
// every revocation within that interval).
import type { Bus, Subscription } from '@healthlane/bus';
import type { Clock, PeerTransport } from '@healthlane/kit';
import type { JSONWebKeySet } from 'jose';
import type { AccessConfig } from './access-config.ts';
import {
  type AccessState,
  applyRevocationList,
  createAccessState,
  followAccessEvents,
  type RevocationList,
  revocationsPath,
} from './revocations.ts';
import { createTokenVerifier, type TokenVerifier } from './verifier.ts';

/** Where identity serves its key set (oidc-provider's jwks route under the /auth mount). */
export const jwksPath = '/auth/jwks';

export interface PlatformVerifier {
  verifier: TokenVerifier;
  state: AccessState;
  /**
   * Subscribes to revocation and break-glass events, then loads identity's revocation list in the
   * background (call from the service's start()); verifications wait for that first load, 2 s at
   * most. A failed load is retried every 5 s; it never fails or delays start.
   */
  start(): Promise<void>;
  /** Loads identity's revocation list now; resolves with the entries applied (throws if it cannot). */
  loadRevocations(): Promise<number>;
  stop(): Promise<void>;
}

export function createPlatformVerifier(options: {
  config: AccessConfig;
  peers: PeerTransport;
  bus: Bus;
  clock: Clock;
  /** How often the persisted revocation list is reloaded (default 60 s; retries after a failure every 5 s). */
  revocationRefreshMs?: number;
}): PlatformVerifier {
  const refreshMs = options.revocationRefreshMs ?? 60_000;
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
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  /** Set from start() until the first revocation list has loaded (or 2 s have passed). */
  let firstLoad: Promise<void> | undefined;
  const gated: TokenVerifier = {
    async verify(token) {
      if (firstLoad !== undefined) await firstLoad;
      return verifier.verify(token);
    },
  };

  async function loadRevocations(): Promise<number> {
    const response = await options.peers.request({ method: 'GET', path: revocationsPath, headers: {} });
    if (response.status !== 200) throw new Error(`identity answered ${response.status} for its revocations`);
    return applyRevocationList(
      state,
      JSON.parse(Buffer.from(response.body).toString('utf8')) as RevocationList,
    );
  }

  function schedule(delayMs: number): void {
    if (!running) return;
    timer = setTimeout(() => {
      loadRevocations().then(
        () => schedule(refreshMs),
        () => schedule(Math.min(5_000, refreshMs)),
      );
    }, delayMs);
    timer.unref();
  }

  return {
    verifier: gated,
    state,
    loadRevocations,
    async start() {
      running = true;
      // Subscribe first: what is published while the list loads is not missed. Start does not wait
      // for the list (identity may be slow, or not up yet in a cluster); verifications do, until
      // it has loaded, 2 s at most.
      subscriptions = await followAccessEvents(options.bus, state);
      const first = loadRevocations().then(
        () => schedule(refreshMs),
        () => schedule(Math.min(5_000, refreshMs)),
      );
      let cap: NodeJS.Timeout | undefined;
      firstLoad = Promise.race([
        first,
        new Promise<void>((resolve) => (cap = setTimeout(resolve, 2_000))),
      ]).then(() => {
        clearTimeout(cap);
        firstLoad = undefined;
      });
    },
    async stop() {
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      await Promise.all(subscriptions.map((subscription) => subscription.close()));
      subscriptions = [];
    },
  };
}
