// Two projects: `unit` needs no server (PGlite, in-process bus); `integration` runs the same
// contract suites and the fault tests against the real PostgreSQL, NATS and Mosquitto.
import { defineConfig } from 'vitest/config';

const everywhere = ['packages/*/test/**', 'services/*/test/**', 'apps/*/test/**'];

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
          include: everywhere.map((dir) => `${dir}/*.test.ts`),
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: everywhere.map((dir) => `${dir}/*.int.test.ts`),
          testTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
