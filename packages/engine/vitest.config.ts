import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import pg from 'pg';
import { defineConfig } from 'vitest/config';

const root = import.meta.dirname;
const include = ['src/**/*.test.ts', 'test/**/*.test.ts'];

/** Test files that open a database: the PostgreSQL pass runs exactly these (the rest do not touch one). */
function databaseTestFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (
        entry.name.endsWith('.test.ts') &&
        /\b(createTestEngine|openDatabase|openScheduleTestResources|testDatabase|Engine\.open)\b/.test(readFileSync(path, 'utf8'))
      )
        files.push(relative(root, path));
    }
  };
  for (const dir of ['src', 'test']) walk(join(root, dir));
  return files;
}

/** Null when the test PostgreSQL answers, else why not. */
async function postgresUnavailable(url: string): Promise<string | null> {
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
    if (process.env.CI) throw new Error(`PostgreSQL at ${postgresUrl} does not answer (${unavailable}); CI runs every database test on it too.`);
    console.log(`PostgreSQL pass skipped: ${postgresUrl} does not answer (${unavailable}). Start PostgreSQL (or set STAGENT_TEST_POSTGRES_URL) to run it.`);
  }
  const shared = {
    resolve: { conditions: ['@stagent/source'] },
    ssr: { resolve: { conditions: ['@stagent/source'] } },
  };
  const sqlite = { ...shared, test: { name: 'sqlite', include, testTimeout: 20_000, pool: 'forks' as const, env: { STAGENT_TEST_DATABASE: 'sqlite' } } };
  const postgres = {
    ...shared,
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
