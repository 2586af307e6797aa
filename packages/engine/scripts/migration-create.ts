/**
 * Generates a migration for each dialect (SQLite, PostgreSQL) from the difference between the
 * entities and that dialect's last snapshot (an initial one where it has none): `pnpm migration:create [name]`.
 * PostgreSQL's is generated on a scratch database of the test server (`STAGENT_TEST_POSTGRES_URL`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { ormOptions, type DatabaseLocation } from '../src/db/orm.js';
import { dropDatabases, testPostgresUrl } from '../src/db/test-databases.js';
import pg from 'pg';

const name = process.argv[2];

async function create(dialect: string, location: DatabaseLocation): Promise<void> {
  const options = ormOptions(location);
  const orm = await MikroORM.init({
    ...options,
    migrations: { ...options.migrations, emit: 'ts', fileName: (ts: string, n?: string) => `Migration${ts}${n ? '_' + n : ''}` },
  } as never);
  try {
    const initial = (options.migrations?.migrationsList ?? []).length === 0;
    await orm.getMigrator().up();
    const result = await orm.getMigrator().createMigration(undefined, false, initial, name ?? (initial ? 'initial' : undefined));
    console.log(`${dialect}: ${result.fileName ? `created ${result.fileName}` : 'no changes'}`);
  } finally {
    await orm.close(true);
  }
}

await create('sqlite', { dataDir: mkdtempSync(join(tmpdir(), 'stagent-migrate-')) });

const scratch = `stagent_migrate_${process.pid}`;
const admin = new pg.Client({ connectionString: testPostgresUrl() });
await admin.connect();
await admin.query(`create database ${scratch}`);
await admin.end();
const url = new URL(testPostgresUrl());
url.pathname = `/${scratch}`;
try {
  await create('postgres', { databaseUrl: url.toString() });
} finally {
  await dropDatabases([scratch]);
}
