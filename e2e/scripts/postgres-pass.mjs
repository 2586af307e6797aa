#!/usr/bin/env node
// The e2e suite's PostgreSQL pass (#19), after the SQLite one: the whole suite again, with every
// API it starts on a fresh PostgreSQL database of its own (STAGENT_DATABASE_URL; src/stack.ts
// creates it and drops it when that API stops). Without a server at STAGENT_E2E_POSTGRES_URL
// (default the local one, trust auth) it prints one line and passes; under CI that fails.
// Arguments go to `playwright test` (a spec file, --grep, ...).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const url = process.env.STAGENT_E2E_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const masked = url.replace(/:[^:@/]*@/, ':***@');
// node-postgres as the engine depends on it (the e2e package has no driver of its own).
const { Client } = createRequire(new URL('../../packages/engine/package.json', import.meta.url))('pg');

async function unavailable() {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error.message || String(error.code);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const reason = await unavailable();
if (reason) {
  if (process.env.CI) {
    console.error(`e2e PostgreSQL pass: ${masked} does not answer (${reason}); CI runs the e2e suite on PostgreSQL too.`);
    process.exit(1);
  }
  console.log(`e2e PostgreSQL pass skipped: ${masked} does not answer (${reason}). Start PostgreSQL (or set STAGENT_E2E_POSTGRES_URL) to run it.`);
  process.exit(0);
}

console.log(`\ne2e PostgreSQL pass: the suite again, each API on a new database at ${masked.replace(/\/[^/]*$/, '/')}`);
const started = Date.now();
const playwright = fileURLToPath(new URL('../node_modules/.bin/playwright', import.meta.url));
const result = spawnSync(playwright, ['test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, STAGENT_E2E_DATABASE: 'postgres', STAGENT_E2E_POSTGRES_URL: url },
});
console.log(`e2e PostgreSQL pass: ${result.status === 0 ? 'passed' : 'failed'} in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(result.status ?? 1);
