import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase, e2eDatabase, type PostgresDatabase } from './database';
import { REPO, freePort, start, waitUntil } from './servers';

/**
 * A running API (on its own temporary data directory, and in the PostgreSQL pass its own
 * database) and the dashboard server in front of it.
 */
export interface Stack {
  apiUrl: string;
  webUrl: string;
  /** Where the API keeps its rows: `sqlite`, or the PostgreSQL database's URL. */
  database: string;
  /** What the API printed so far (start-up lines included). */
  apiOutput: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts a fresh API with `stagent serve` (temporary data directory, free port; demo data only
 * when `demo` is true) and the built dashboard's production server, which proxies /graphql to
 * that API. Resolves when both answer GraphQL. In the PostgreSQL pass (`STAGENT_E2E_DATABASE=postgres`)
 * the API runs on a new database (`STAGENT_DATABASE_URL`), dropped when the stack stops.
 */
export async function startStack(options: { demo: boolean }): Promise<Stack> {
  const handler = join(REPO, 'apps/web/build/handler.js');
  if (!existsSync(handler)) throw new Error('The dashboard is not built: run `pnpm --filter @stagent/web build` (the e2e test script does).');
  const postgres: PostgresDatabase | null = e2eDatabase() === 'postgres' ? await createPostgresDatabase() : null;
  const dataDir = mkdtempSync(join(tmpdir(), 'stagent-e2e-'));
  const apiUrl = `http://127.0.0.1:${await freePort()}`;
  const webUrl = `http://127.0.0.1:${await freePort()}`;
  const env = { ...process.env, NODE_ENV: 'test', STAGENT_API_TOKEN: '' };
  // The SQLite pass never inherits a database URL from the shell.
  const apiEnv: NodeJS.ProcessEnv = { ...env };
  if (postgres) apiEnv.STAGENT_DATABASE_URL = postgres.url;
  else delete apiEnv.STAGENT_DATABASE_URL;

  const api = start(join(REPO, 'apps/api/node_modules/.bin/tsx'), ['--conditions=@stagent/source', 'src/cli.ts', 'serve'], {
    cwd: join(REPO, 'apps/api'),
    env: { ...apiEnv, HOST: '127.0.0.1', PORT: new URL(apiUrl).port, STAGENT_DATA_DIR: dataDir, STAGENT_DEMO: options.demo ? '1' : '0' },
    name: 'api',
  });
  const web = start(process.execPath, ['server.js'], {
    cwd: join(REPO, 'apps/web'),
    env: { ...env, HOST: '127.0.0.1', PORT: new URL(webUrl).port, API_URL: apiUrl },
    name: 'web',
  });
  const stop = async () => {
    await Promise.all([web.stop(), api.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
    await postgres?.drop();
  };

  try {
    await waitUntil(async () => await graphqlReady(`${apiUrl}/graphql`), api, 'The API');
    // An API that ignored the URL would pass the whole suite on SQLite: its tables must be in the database.
    if (postgres && !(await postgres.holdsStagent()))
      throw new Error(`The API answers but did not open ${postgres.url} (no tables there): does it read STAGENT_DATABASE_URL?\n${api.output()}`);
    await waitUntil(async () => (await fetch(`${webUrl}/workflows`)).ok && (await graphqlReady(`${webUrl}/graphql`)), web, 'The dashboard server');
  } catch (error) {
    await stop();
    throw error;
  }
  return { apiUrl, webUrl, database: postgres?.url ?? 'sqlite', apiOutput: api.output, stop };
}

async function graphqlReady(url: string): Promise<boolean> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
    signal: AbortSignal.timeout(5000),
  });
  return res.ok;
}
