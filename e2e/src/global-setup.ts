import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FullConfig } from '@playwright/test';
import { REPO, freePort, start, waitUntil } from './servers';

/**
 * Starts a fresh API (temporary data directory, no demo data, a free port) and the built
 * dashboard's production server (which proxies /graphql to that API), then hands their URLs to
 * the specs through the environment. Returns the teardown.
 */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  const handler = join(REPO, 'apps/web/build/handler.js');
  if (!existsSync(handler)) throw new Error('The dashboard is not built: run `pnpm --filter @stagent/web build` (the e2e test script does).');
  mkdirSync(join(REPO, 'e2e/artifacts'), { recursive: true });

  const dataDir = mkdtempSync(join(tmpdir(), 'stagent-e2e-'));
  const apiPort = await freePort();
  const webPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const webUrl = `http://127.0.0.1:${webPort}`;
  const env = { ...process.env, NODE_ENV: 'test', STAGENT_API_TOKEN: '' };

  const api = start(join(REPO, 'apps/api/node_modules/.bin/tsx'), ['--conditions=@stagent/source', 'src/cli.ts', 'serve'], {
    cwd: join(REPO, 'apps/api'),
    env: { ...env, HOST: '127.0.0.1', PORT: String(apiPort), STAGENT_DATA_DIR: dataDir, STAGENT_DEMO: '0' },
    name: 'api',
  });
  const web = start(process.execPath, ['server.js'], {
    cwd: join(REPO, 'apps/web'),
    env: { ...env, HOST: '127.0.0.1', PORT: String(webPort), API_URL: apiUrl },
    name: 'web',
  });
  const stop = async () => {
    await Promise.all([web.stop(), api.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitUntil(async () => (await graphqlReady(`${apiUrl}/graphql`)), api, 'The API');
    await waitUntil(async () => (await fetch(`${webUrl}/workflows`)).ok && (await graphqlReady(`${webUrl}/graphql`)), web, 'The dashboard server');
  } catch (error) {
    await stop();
    throw error;
  }
  process.env.E2E_API_URL = apiUrl;
  process.env.E2E_WEB_URL = webUrl;
  return stop;
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
