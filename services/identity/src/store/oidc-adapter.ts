// oidc-provider's storage adapter on the SQL port (PGlite and PostgreSQL alike): every model in one
// table, keyed by (model, id), with grant id, interaction uid, user code and account id beside the
// payload so that revoking a grant or disabling a user removes every artefact in one statement.
import type { Database } from '@healthlane/store';

type Payload = Record<string, unknown>;

interface Row {
  payload: Payload;
  consumed_at: Date | null;
}

export interface OidcAdapter {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

function withConsumed(row: Row | undefined): Payload | undefined {
  if (row === undefined) return undefined;
  return row.consumed_at === null
    ? row.payload
    : { ...row.payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) };
}

/** The adapter class oidc-provider instantiates once per model name ('Session', 'Grant', ...). */
export function sqlAdapterFactory(db: Database, now: () => Date): new (model: string) => OidcAdapter {
  const live = 'AND (expires_at IS NULL OR expires_at > $3)';
  return class SqlOidcAdapter implements OidcAdapter {
    readonly model: string;
    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const expiresAt = expiresIn ? new Date(now().getTime() + expiresIn * 1000) : null;
      const text = (key: string) => (typeof payload[key] === 'string' ? (payload[key] as string) : null);
      await db.query(
        `INSERT INTO identity.oidc_model (model, id, payload, grant_id, uid, user_code, account_id, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
           uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, account_id = EXCLUDED.account_id,
           expires_at = EXCLUDED.expires_at`,
        [
          this.model,
          id,
          payload,
          text('grantId'),
          text('uid'),
          text('userCode'),
          text('accountId'),
          expiresAt,
        ],
      );
    }

    private async one(column: 'id' | 'uid' | 'user_code', value: string): Promise<Payload | undefined> {
      const { rows } = await db.query<Row>(
        `SELECT payload, consumed_at FROM identity.oidc_model WHERE model = $1 AND ${column} = $2 ${live} LIMIT 1`,
        [this.model, value, now()],
      );
      return withConsumed(rows[0]);
    }

    find(id: string) {
      return this.one('id', id);
    }
    findByUid(uid: string) {
      return this.one('uid', uid);
    }
    findByUserCode(userCode: string) {
      return this.one('user_code', userCode);
    }

    async consume(id: string): Promise<void> {
      await db.query('UPDATE identity.oidc_model SET consumed_at = $3 WHERE model = $1 AND id = $2', [
        this.model,
        id,
        now(),
      ]);
    }

    async destroy(id: string): Promise<void> {
      await db.query('DELETE FROM identity.oidc_model WHERE model = $1 AND id = $2', [this.model, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.query('DELETE FROM identity.oidc_model WHERE grant_id = $1', [grantId]);
    }
  };
}
