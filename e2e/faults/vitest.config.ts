import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const sourceConditions = ['@gx/source', 'import', 'node', 'default'];

// The fault suite's own configuration: the root one (`pnpm test`) does not pick `*.faults.ts` up, and
// each scenario brings its own PostgreSQL server, so there is no shared test database to set up.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@gx/source'] } },
  test: {
    include: ['*.faults.ts'],
    pool: 'forks',
    testTimeout: 15 * 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
