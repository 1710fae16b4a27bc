// Test projects. `unit` needs no server (PGlite, in-process bus); `unit-alone` holds the tests that
// measure the platform's own start-up, run after `unit` with nothing else beside them (the
// readiness-within-10-s criterion is about the platform, not about a machine busy with other
// tests); `integration` runs the same contract suites and the fault tests against the real
// PostgreSQL, NATS and Mosquitto. `npm test` = unit + unit-alone.
import { defineConfig } from 'vitest/config';

const everywhere = ['packages/*/test/**', 'services/*/test/**', 'apps/*/test/**'];
const alone = ['apps/cli/test/start.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [...everywhere.map((dir) => `${dir}/*.test.ts`), 'deploy/test/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', ...alone],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'unit-alone',
          include: alone,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: everywhere.map((dir) => `${dir}/*.int.test.ts`),
          testTimeout: 60_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
