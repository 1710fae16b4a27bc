// The access-token verifier every entry point uses: signature against the issuer's JWKS (fetched
// and cached, refetched on an unknown key id at most every 30 s), issuer, audience, expiry and an
// algorithm allow-list; then revocations and break-glass from the bus-fed AccessState. Verified
// tokens are cached until they expire; a cached verification still honours later revocations.
import type { Clock } from '@healthlane/kit';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { type Principal, principalFromClaims } from './principal.ts';
import type { AccessState } from './revocations.ts';

/** Asymmetric algorithms only; `none` and HMAC are never accepted. */
export const allowedAlgorithms = ['ES256', 'ES384', 'RS256', 'RS384', 'PS256', 'EdDSA'] as const;

export interface VerifierOptions {
  issuer: string;
  /** The FHIR base URL (or any of several): the token's `aud` must contain one. */
  audience: string | string[];
  /** Fetches the issuer's JSON Web Key Set (over HTTP, or through the platform's peers). */
  fetchJwks: () => Promise<JSONWebKeySet>;
  state: AccessState;
  clock: Clock;
  /** Verified tokens kept (default 10 000). */
  cacheSize?: number;
  /** Seconds of clock skew tolerated on exp/nbf/iat (default 5). */
  clockToleranceSeconds?: number;
}

export type VerifyResult =
  | { ok: true; principal: Principal }
  | { ok: false; error: 'invalid_token'; description: string }
  /** The issuer's keys could not be fetched: the caller answers 503, not 401. */
  | { ok: false; error: 'unavailable'; description: string };

export interface TokenVerifier {
  verify(token: string): Promise<VerifyResult>;
}

const jwksTtlMs = 5 * 60 * 1000;
const refetchAfterMissMs = 30 * 1000;

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const { clock, state } = options;
  const cacheSize = options.cacheSize ?? 10_000;
  const cache = new Map<string, Principal>();
  let keys: { set: ReturnType<typeof createLocalJWKSet>; fetchedAt: number; kids: Set<string> } | undefined;
  let fetching: Promise<void> | undefined;

  const refresh = async (): Promise<void> => {
    fetching ??= options
      .fetchJwks()
      .then((jwks) => {
        keys = {
          set: createLocalJWKSet(jwks),
          fetchedAt: clock.now().getTime(),
          kids: new Set(jwks.keys.map((key) => key.kid ?? '')),
        };
      })
      .finally(() => {
        fetching = undefined;
      });
    return fetching;
  };

  const keyFor = async (kid: string | undefined): Promise<ReturnType<typeof createLocalJWKSet>> => {
    const now = clock.now().getTime();
    if (keys === undefined || now - keys.fetchedAt > jwksTtlMs) await refresh();
    else if (kid !== undefined && !keys.kids.has(kid) && now - keys.fetchedAt > refetchAfterMissMs)
      await refresh();
    return keys!.set;
  };

  const withLiveState = (principal: Principal): VerifyResult => {
    if (principal.expiresAt.getTime() <= clock.now().getTime()) {
      return { ok: false, error: 'invalid_token', description: 'The access token expired' };
    }
    if (state.isRevoked(principal)) {
      return { ok: false, error: 'invalid_token', description: 'The access token was revoked' };
    }
    const extra = state.breakGlassFor(principal.subject);
    return {
      ok: true,
      principal:
        extra.length === 0 ? principal : { ...principal, breakGlass: [...principal.breakGlass, ...extra] },
    };
  };

  return {
    async verify(token) {
      const cached = cache.get(token);
      if (cached !== undefined) return withLiveState(cached);
      let principal: Principal;
      try {
        const header = JSON.parse(
          Buffer.from(token.split('.', 1)[0] ?? '', 'base64url').toString('utf8'),
        ) as {
          kid?: unknown;
        };
        let set: ReturnType<typeof createLocalJWKSet>;
        try {
          set = await keyFor(typeof header.kid === 'string' ? header.kid : undefined);
        } catch {
          return { ok: false, error: 'unavailable', description: 'The token issuer cannot be reached' };
        }
        const { payload } = await jwtVerify(token, set, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: [...allowedAlgorithms],
          currentDate: clock.now(),
          clockTolerance: options.clockToleranceSeconds ?? 5,
          requiredClaims: ['exp', 'iat', 'sub'],
        });
        principal = principalFromClaims(payload as Record<string, unknown>);
      } catch {
        // Which check failed stays here: the client learns only that the token is not valid.
        return { ok: false, error: 'invalid_token', description: 'The access token is not valid' };
      }
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
      cache.set(token, principal);
      return withLiveState(principal);
    },
  };
}
