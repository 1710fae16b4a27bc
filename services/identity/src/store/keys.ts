// Token-signing keys and cookie secrets, generated on first start and kept in the database so
// every replica signs and verifies with the same ones (ES256 for access tokens, RS256 for ID tokens).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '@healthlane/store';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface KeyMaterial {
  /** Private JWKs for oidc-provider's `jwks`. */
  privateKeys: JWK[];
  /** The public halves, served at the JWKS endpoint. */
  publicKeys: JWK[];
  cookieKeys: string[];
}

async function newKey(alg: 'ES256' | 'RS256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg, use: 'sig' };
}

const privateParts = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

export function publicJwk(jwk: JWK): JWK {
  return Object.fromEntries(Object.entries(jwk).filter(([name]) => !privateParts.includes(name))) as JWK;
}

/** Loads the keys, creating them first when the store has none (a concurrent starter's win is kept). */
export async function loadKeyMaterial(db: Database, now: Date): Promise<KeyMaterial> {
  await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('identity.keys'))");
    const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM identity.signing_key');
    if ((rows[0]?.n ?? 0) === 0) {
      for (const jwk of [await newKey('ES256'), await newKey('RS256')]) {
        await tx.query('INSERT INTO identity.signing_key (kid, jwk, created_at) VALUES ($1, $2, $3)', [
          jwk.kid,
          jwk,
          now,
        ]);
      }
    }
    await tx.query(
      'INSERT INTO identity.secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
      ['cookie-key', randomBytes(32).toString('base64url')],
    );
  });
  const keys = await db.query<{ jwk: JWK }>('SELECT jwk FROM identity.signing_key ORDER BY created_at, kid');
  const secrets = await db.query<{ value: string }>(
    "SELECT value FROM identity.secret WHERE name = 'cookie-key'",
  );
  const privateKeys = keys.rows.map((row) => row.jwk);
  return {
    privateKeys,
    publicKeys: privateKeys.map(publicJwk),
    cookieKeys: secrets.rows.map((row) => row.value),
  };
}
