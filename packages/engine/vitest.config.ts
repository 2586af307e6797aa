import { defineConfig } from 'vitest/config';
import { databasePasses, databaseTestFiles } from './src/testing/database-projects.js';

const root = import.meta.dirname;
const include = ['src/**/*.test.ts', 'test/**/*.test.ts'];
/** Test files that open a database: the PostgreSQL pass runs exactly these (the rest do not touch one). */
const OPENS_DATABASE = /\b(createTestEngine|openDatabase|openScheduleTestResources|testDatabase|Engine\.open)\b/;

export default defineConfig(async () => {
  const passes = await databasePasses('engine');
  const shared = {
    resolve: { conditions: ['@stagent/source'] },
    ssr: { resolve: { conditions: ['@stagent/source'] } },
  };
  const sqlite = { ...shared, test: { name: 'sqlite', include, testTimeout: 20_000, pool: 'forks' as const, env: { STAGENT_TEST_DATABASE: 'sqlite' } } };
  const postgres = {
    ...shared,
    test: {
      name: 'postgres',
      include: databaseTestFiles(root, OPENS_DATABASE),
      testTimeout: 30_000,
      pool: 'forks' as const,
      env: { STAGENT_TEST_DATABASE: 'postgres' },
      globalSetup: ['test/postgres-global-setup.ts'],
    },
  };
  return { ...shared, test: { projects: [...(passes.sqlite ? [sqlite] : []), ...(passes.postgres ? [postgres] : [])] } };
});
