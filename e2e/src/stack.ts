import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, freePort, start, waitUntil } from './servers';

/** A running API (on its own temporary data directory) and the dashboard server in front of it. */
export interface Stack {
  apiUrl: string;
  webUrl: string;
  /** What the API printed so far (start-up lines included). */
  apiOutput: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts a fresh API with `stagent serve` (temporary data directory, free port; demo data only
 * when `demo` is true) and the built dashboard's production server, which proxies /graphql to
 * that API. Resolves when both answer GraphQL.
 */
export async function startStack(options: { demo: boolean }): Promise<Stack> {
  const handler = join(REPO, 'apps/web/build/handler.js');
  if (!existsSync(handler)) throw new Error('The dashboard is not built: run `pnpm --filter @stagent/web build` (the e2e test script does).');
  const dataDir = mkdtempSync(join(tmpdir(), 'stagent-e2e-'));
  const apiUrl = `http://127.0.0.1:${await freePort()}`;
  const webUrl = `http://127.0.0.1:${await freePort()}`;
  const env = { ...process.env, NODE_ENV: 'test', STAGENT_API_TOKEN: '' };

  const api = start(join(REPO, 'apps/api/node_modules/.bin/tsx'), ['--conditions=@stagent/source', 'src/cli.ts', 'serve'], {
    cwd: join(REPO, 'apps/api'),
    env: { ...env, HOST: '127.0.0.1', PORT: new URL(apiUrl).port, STAGENT_DATA_DIR: dataDir, STAGENT_DEMO: options.demo ? '1' : '0' },
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
  };

  try {
    await waitUntil(async () => await graphqlReady(`${apiUrl}/graphql`), api, 'The API');
    await waitUntil(async () => (await fetch(`${webUrl}/workflows`)).ok && (await graphqlReady(`${webUrl}/graphql`)), web, 'The dashboard server');
  } catch (error) {
    await stop();
    throw error;
  }
  return { apiUrl, webUrl, apiOutput: api.output, stop };
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
