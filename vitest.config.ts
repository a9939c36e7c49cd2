import { defineConfig } from 'vitest/config';

const sourceConditions = ['@gx/source', 'import', 'node', 'default'];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@gx/source'] } },
  test: {
    include: ['*/src/**/*.test.ts', '*/test/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/lib/**/*.test.ts'],
    globalSetup: ['db/src/testing/globalSetup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
