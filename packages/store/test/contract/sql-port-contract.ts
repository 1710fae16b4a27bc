// The SQL port contract suite: one set of tests every adapter must pass, so the modes cannot drift.
import { afterAll, beforeAll, describe } from 'vitest';
import type { ContractTarget } from './contract-target.ts';
import { errorContract } from './error-contract.ts';
import { lifecycleContract } from './lifecycle-contract.ts';
import { migrationContract } from './migration-contract.ts';
import { transactionContract } from './transaction-contract.ts';
import { typeMappingContract } from './type-mapping-contract.ts';

export type { ContractTarget } from './contract-target.ts';

/** Registers the contract tests for one adapter; `open` runs once, before them. */
export function describeSqlPortContract(name: string, open: () => Promise<ContractTarget>): void {
  describe(`SQL port contract: ${name}`, () => {
    let target: ContractTarget | undefined;
    const current = (): ContractTarget => {
      if (!target) throw new Error('contract target failed to open');
      return target;
    };
    beforeAll(async () => {
      target = await open();
    });
    afterAll(async () => {
      await target?.drop();
    });

    typeMappingContract(current);
    transactionContract(current);
    errorContract(current);
    migrationContract(current);
    lifecycleContract(current);
  });
}
