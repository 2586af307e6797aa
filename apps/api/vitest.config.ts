import { createRequire } from 'node:module';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { databasePasses, databaseTestFiles } from '../../packages/engine/src/testing/database-projects.js';

const require = createRequire(import.meta.url);
const root = import.meta.dirname;
const include = ['src/**/*.test.ts', 'test/**/*.test.ts'];
/** Tests about the CLI's start-up on SQLite files (data directory, damaged files): they run once, in the SQLite pass. */
const SQLITE_ONLY = ['test/startup.test.ts'];
/** Tests of `STAGENT_DATABASE_URL` against the PostgreSQL server: they run only in the PostgreSQL pass. */
const POSTGRES_ONLY = ['test/postgres-startup.test.ts', 'test/scale-out.test.ts'];

/** Test files that open a database (most through `createTestApp`): the PostgreSQL pass runs these, each engine on a database of its own. */
const OPENS_DATABASE = /\b(createTestApp|createTestEngine|testDatabase|Engine\.open)\b/;

export default defineConfig(async () => {
  const passes = await databasePasses('API');
  const shared = {
    resolve: {
      conditions: ['@stagent/source'],
      // One graphql module for test files and for dependencies (Pothos, yoga load the CommonJS
      // build); otherwise graphql-js sees two realms and refuses the schema's scalars.
      alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
    },
    ssr: { resolve: { conditions: ['@stagent/source'] } },
  };
  const sqlite = {
    ...shared,
    test: { name: 'sqlite', include, exclude: POSTGRES_ONLY, testTimeout: 20_000, pool: 'forks' as const, env: { STAGENT_TEST_DATABASE: 'sqlite' } },
  };
  const postgres = {
    ...shared,
    test: {
      name: 'postgres',
      include: [...databaseTestFiles(root, OPENS_DATABASE).filter((f) => !SQLITE_ONLY.includes(f) && !POSTGRES_ONLY.includes(f)), ...POSTGRES_ONLY],
      testTimeout: 30_000,
      pool: 'forks' as const,
      env: { STAGENT_TEST_DATABASE: 'postgres' },
      // The engine's: it drops this run's databases at the end (loaded by path, so without package conditions).
      globalSetup: [join(root, '../../packages/engine/test/postgres-global-setup.ts')],
    },
  };
  return { ...shared, test: { projects: [...(passes.sqlite ? [sqlite] : []), ...(passes.postgres ? [postgres] : [])] } };
});
