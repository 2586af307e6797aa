import pg from 'pg';

/** The PostgreSQL server tests, checks and benchmarks use unless `STAGENT_TEST_POSTGRES_URL` names another: the local one, trust auth. */
export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The maintenance database URL tests create and drop their databases through. */
export function testPostgresUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.STAGENT_TEST_POSTGRES_URL || DEFAULT_TEST_POSTGRES_URL;
}

/**
 * Null when the test PostgreSQL answers, otherwise why not (suites then skip their PostgreSQL pass
 * with that reason outside CI, and fail under CI). Only node-postgres: vitest configs load it.
 */
export async function probeTestPostgres(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const client = new pg.Client({ connectionString: testPostgresUrl(env), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return `${(error as Error).message || (error as { code?: string }).code}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
