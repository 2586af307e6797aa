import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { probeTestPostgres, testPostgresUrl } from '../db/postgres-probe.js';
import { ErrorCode, StagentError } from '../errors.js';

// What the engine's and the API's vitest configs share to run their database tests twice, on
// SQLite and on PostgreSQL (see `db/test-databases.ts` for the databases themselves). Kept free
// of engine imports: vitest loads it while reading its config.

/** Test files under `root`'s `src/` and `test/` whose text matches `opensDatabase` (they open a database). */
export function databaseTestFiles(root: string, opensDatabase: RegExp): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.test.ts') && opensDatabase.test(readFileSync(path, 'utf8'))) files.push(relative(root, path));
    }
  };
  for (const dir of ['src', 'test']) walk(join(root, dir));
  return files;
}

/** Which passes run: `STAGENT_TEST_DATABASE=sqlite|postgres` picks one; otherwise both, or SQLite alone when PostgreSQL does not answer. */
export interface DatabasePasses {
  sqlite: boolean;
  postgres: boolean;
}

/**
 * Decides the passes for a suite (`suite` names it in messages). Without an answering PostgreSQL
 * the PostgreSQL pass is skipped with one printed line, except under CI, where it is an error:
 * CI must never pass by skipping a database.
 */
export async function databasePasses(suite: string, env: NodeJS.ProcessEnv = process.env): Promise<DatabasePasses> {
  const only = env.STAGENT_TEST_DATABASE;
  if (only === 'sqlite') return { sqlite: true, postgres: false };
  const url = testPostgresUrl(env);
  const unavailable = await probeTestPostgres(env);
  if (unavailable) {
    if (env.CI)
      throw new StagentError(
        ErrorCode.UNAVAILABLE,
        `PostgreSQL at ${url} does not answer (${unavailable}); CI runs every ${suite} test that opens a database on it too.`,
      );
    console.log(
      `PostgreSQL pass of the ${suite} tests skipped: ${url} does not answer (${unavailable}). Start PostgreSQL (or set STAGENT_TEST_POSTGRES_URL) to run it.`,
    );
    return { sqlite: true, postgres: false };
  }
  return { sqlite: only !== 'postgres', postgres: true };
}
