// Contract: ping answers, close lets running work finish, then refuses new work, and is idempotent.
import { describe, expect, it } from 'vitest';
import { isConnectionFailure } from '../../src/index.ts';
import type { ContractTarget } from './contract-target.ts';

export function lifecycleContract(target: () => ContractTarget): void {
  describe('lifecycle', () => {
    it('answers ping and names its dialect', async () => {
      await expect(target().db.ping()).resolves.toBeUndefined();
      expect(['pglite', 'postgres']).toContain(target().db.dialect);
    });

    it('finishes running work on close, then refuses new work; close is idempotent', async () => {
      const db = await target().openSpare();
      await db.exec('CREATE TEMP TABLE IF NOT EXISTS spare (n int)');
      const running = db.transaction(async (tx) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return (await tx.query<{ n: number }>('SELECT 41 + 1 AS n')).rows[0]!.n;
      });
      const closing = db.close();
      const again = db.close();
      await expect(running).resolves.toBe(42);
      await Promise.all([closing, again]);
      await expect(db.close()).resolves.toBeUndefined();
      const refused = await db.query('SELECT 1').catch((e: unknown) => e);
      expect(isConnectionFailure(refused)).toBe(true);
      await expect(db.transaction(async () => 1)).rejects.toThrow(/closed/);
      await expect(db.ping()).rejects.toThrow(/closed/);
    });
  });
}
