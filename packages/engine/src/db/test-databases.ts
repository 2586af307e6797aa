import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';
import { migrationsList } from './dialects/postgres/migrations/index.js';
import type { DatabaseLocation } from './orm.js';
import { openDatabase } from './orm.js';
import { testPostgresUrl } from './postgres-probe.js';

export { probeTestPostgres, testPostgresUrl } from './postgres-probe.js';

/**
 * Databases for tests. `STAGENT_TEST_DATABASE=postgres` runs every test that opens a database on
 * PostgreSQL (the server of `STAGENT_TEST_POSTGRES_URL`, default the local one with trust auth):
 * each gets a database of its own, copied from a migrated template, and drops it afterwards.
 * Otherwise tests run on SQLite as before (`:memory:` or a file in a data directory).
 */
export type TestDialect = 'sqlite' | 'postgres';

export function testDialect(env: NodeJS.ProcessEnv = process.env): TestDialect {
  return env.STAGENT_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
}

/**
 * Registers tests that are about one database only in that database's pass. In the other pass
 * they do not exist, rather than showing up as skipped: a skipped test in CI should mean something
 * did not run that should have.
 */
export function forDialect(dialect: TestDialect, register: () => void): void {
  if (testDialect() === dialect) register();
}

/** Names of this test run's databases start with this, so the run's teardown drops exactly its own. */
export function testRunPrefix(env: NodeJS.ProcessEnv = process.env): string {
  return `stagent_t_${(env.STAGENT_TEST_RUN_ID ?? `p${process.pid}`).replace(/\W/g, '').toLowerCase()}`;
}

/** A database for one test: where it is, and how to drop it. */
export interface TestDatabase {
  location: DatabaseLocation;
  /** Drops a private database; keeps one shared through a data directory (the run's teardown drops it). */
  release(): Promise<void>;
}

/**
 * A database for a test. `:memory:` is a fresh database of its own. A data directory is shared
 * by every engine (and child process of the same run) that names it: on PostgreSQL, a database
 * named after the directory, so two "processes" of a test meet in one database as they would in
 * one SQLite file.
 */
export async function testDatabase(dataDir = ':memory:', onQuery?: (sql: string) => void): Promise<TestDatabase> {
  if (testDialect() === 'sqlite') return { location: { dataDir, onQuery }, release: async () => undefined };
  const shared = dataDir !== ':memory:';
  const name = shared
    ? `${testRunPrefix()}_dir_${createHash('sha1').update(resolve(dataDir)).digest('hex').slice(0, 16)}`
    : `${testRunPrefix()}_${randomBytes(6).toString('hex')}`;
  await createFromTemplate(name, shared);
  const url = new URL(testPostgresUrl());
  url.pathname = `/${name}`;
  // The data directory still holds the secret key file; only the rows move to PostgreSQL.
  return { location: { databaseUrl: url.toString(), dataDir, onQuery }, release: shared ? async () => undefined : () => dropDatabases([name]) };
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testPostgresUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The template's name changes with the migrations, so a run never copies an outdated schema. */
function templateName(): string {
  const hash = createHash('sha1');
  for (const m of migrationsList) hash.update(m.name).update(String(m.class));
  return `stagent_template_${hash.digest('hex').slice(0, 12)}`;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const DUPLICATE_DATABASE = '42P04';

/** Creates `name` as a copy of the migrated template, building the template first when missing (once, under a lock). */
async function createFromTemplate(name: string, mayExist: boolean): Promise<void> {
  const template = templateName();
  await withAdmin(async (admin) => {
    // Test files run in parallel processes; the first one builds the template, the others wait for it.
    await admin.query('select pg_advisory_lock(hashtext($1))', [template]);
    try {
      const exists = await admin.query('select 1 from pg_database where datname = $1', [template]);
      if (exists.rowCount === 0) await buildTemplate(admin, template);
      await admin.query(`create database ${quote(name)} template ${quote(template)}`);
    } catch (error) {
      if (!(mayExist && (error as { code?: string }).code === DUPLICATE_DATABASE)) throw error;
    } finally {
      await admin.query('select pg_advisory_unlock(hashtext($1))', [template]);
    }
  });
}

async function buildTemplate(admin: pg.Client, template: string): Promise<void> {
  const building = `${template}_building`;
  await admin.query(`drop database if exists ${quote(building)} with (force)`);
  await admin.query(`create database ${quote(building)}`);
  const url = new URL(testPostgresUrl());
  url.pathname = `/${building}`;
  const orm = await openDatabase({ databaseUrl: url.toString() });
  await orm.close(true);
  await admin.query(`alter database ${quote(building)} rename to ${quote(template)}`);
  // Templates of earlier migration states are no longer needed here; one in use by a run of
  // another checkout refuses the drop (it has a connection), which is fine: it stays.
  const stale = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'stagent\\_template\\_%' and datname <> $1`, [
    template,
  ]);
  for (const { datname } of stale.rows) await admin.query(`drop database if exists ${quote(datname)}`).catch(() => undefined);
}

/**
 * An empty database of its own on the test server (migration checks, benchmarks), whatever
 * `STAGENT_TEST_DATABASE` says: its URL, and `drop()` to remove it.
 */
export async function scratchPostgresDatabase(purpose: string, env: NodeJS.ProcessEnv = process.env): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `stagent_${purpose.replace(/\W/g, '_').toLowerCase()}_${process.pid}_${randomBytes(3).toString('hex')}`;
  await withAdmin((admin) => admin.query(`create database ${quote(name)}`));
  const url = new URL(testPostgresUrl(env));
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => dropDatabases([name]) };
}

/** Drops databases, ending any connection a test left open (a killed child's, say). */
export async function dropDatabases(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await withAdmin(async (admin) => {
    for (const name of names) await admin.query(`drop database if exists ${quote(name)} with (force)`);
  });
}

/** Drops every database of this test run (the suite's global teardown). */
export async function dropTestRunDatabases(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const names = await withAdmin(
    async (admin) => (await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${testRunPrefix(env)}\\_%`])).rows,
  );
  await dropDatabases(names.map((r) => r.datname));
  return names.length;
}
