import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
const root = import.meta.dirname;
const include = ['src/**/*.test.ts', 'test/**/*.test.ts'];
/** Tests about the CLI's start-up on SQLite files (data directory, damaged files): they run once, in the SQLite pass. */
const SQLITE_ONLY = ['test/startup.test.ts'];
/** Tests of `STAGENT_DATABASE_URL` against the PostgreSQL server: they run only in the PostgreSQL pass. */
const POSTGRES_ONLY = ['test/postgres-startup.test.ts'];

/**
 * Test files that open a database (most through `createTestApp`): the PostgreSQL pass runs
 * exactly these, each engine on a database of its own (see the engine's `db/test-databases.ts`).
 */
function databaseTestFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.test.ts') && /\b(createTestApp|createTestEngine|testDatabase|Engine\.open)\b/.test(readFileSync(path, 'utf8')))
        files.push(relative(root, path));
    }
  };
  for (const dir of ['src', 'test']) walk(join(root, dir));
  return [...files.filter((f) => !SQLITE_ONLY.includes(f) && !POSTGRES_ONLY.includes(f)), ...POSTGRES_ONLY];
}

/** Null when the test PostgreSQL answers, else why not (node-postgres is the engine's dependency, not this package's). */
async function postgresUnavailable(url: string): Promise<string | null> {
  const pg = createRequire(join(root, '../../packages/engine/package.json'))('pg') as typeof import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return null;
  } catch (error) {
    return (error as Error).message || String((error as { code?: string }).code);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export default defineConfig(async () => {
  const postgresUrl = process.env.STAGENT_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const only = process.env.STAGENT_TEST_DATABASE; // 'sqlite' or 'postgres': one pass only
  const unavailable = only === 'sqlite' ? null : await postgresUnavailable(postgresUrl);
  if (unavailable) {
    // Under CI both databases are required; a newcomer's machine without PostgreSQL still passes on SQLite.
    if (process.env.CI)
      throw new Error(`PostgreSQL at ${postgresUrl} does not answer (${unavailable}); CI runs every API test that opens a database on it too.`);
    console.log(`PostgreSQL pass skipped: ${postgresUrl} does not answer (${unavailable}). Start PostgreSQL (or set STAGENT_TEST_POSTGRES_URL) to run it.`);
  }
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
    resolve: {
      ...shared.resolve,
      // The global setup is loaded in vitest's own process, which imports packages without the
      // `@stagent/source` condition: point it at the engine's source like the tests get it.
      alias: [...shared.resolve.alias, { find: /^@stagent\/engine\/testing$/, replacement: join(root, '../../packages/engine/src/testing/index.ts') }],
    },
    test: {
      name: 'postgres',
      include: databaseTestFiles(),
      testTimeout: 30_000,
      pool: 'forks' as const,
      env: { STAGENT_TEST_DATABASE: 'postgres' },
      globalSetup: ['test/postgres-global-setup.ts'],
    },
  };
  const projects = only === 'postgres' ? [postgres] : only === 'sqlite' || unavailable ? [sqlite] : [sqlite, postgres];
  return { ...shared, test: { projects } };
});
