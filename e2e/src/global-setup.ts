import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FullConfig } from '@playwright/test';
import { REPO } from './servers';
import { startStack } from './stack';

/**
 * Starts the suite's API (no demo data: specs seed what they need) and dashboard, then hands
 * their URLs to the specs through the environment. Returns the teardown.
 */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  mkdirSync(join(REPO, 'e2e/artifacts'), { recursive: true });
  const stack = await startStack({ demo: false });
  process.env.E2E_API_URL = stack.apiUrl;
  process.env.E2E_WEB_URL = stack.webUrl;
  return stack.stop;
}
