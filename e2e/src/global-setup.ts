import { mkdirSync } from 'node:fs';
import type { FullConfig } from '@playwright/test';
import { artifactsDir } from './database';
import { startStack } from './stack';

/**
 * Starts the suite's API (no demo data: specs seed what they need) and dashboard, then hands
 * their URLs to the specs through the environment. Returns the teardown. In the PostgreSQL pass
 * the API runs on a database of its own (see `database.ts`).
 */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  mkdirSync(artifactsDir(), { recursive: true });
  const stack = await startStack({ demo: false });
  if (stack.database !== 'sqlite') console.log(`e2e on PostgreSQL: the suite's API runs on ${stack.database}`);
  process.env.E2E_API_URL = stack.apiUrl;
  process.env.E2E_WEB_URL = stack.webUrl;
  return stack.stop;
}
