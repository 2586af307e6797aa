import { defineConfig } from '@playwright/test';

// Debian's Chromium (scripts/ensure-chromium.sh installs it); never `playwright install`.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

// The PostgreSQL pass (`STAGENT_E2E_DATABASE=postgres`, scripts/postgres-pass.mjs) runs after the
// SQLite one and keeps its results in a folder of its own inside the SQLite pass's.
const pass = process.env.STAGENT_E2E_DATABASE === 'postgres' ? '/postgres' : '';

export default defineConfig({
  testDir: './specs',
  testMatch: '**/*.e2e.ts',
  // One API and one database for the whole suite: specs run one after another.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { outputFolder: `playwright-report${pass}`, open: 'never' }]],
  outputDir: `test-results${pass}`,
  globalSetup: './src/global-setup.ts',
  use: {
    baseURL: process.env.E2E_WEB_URL,
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    colorScheme: 'light',
  },
});
