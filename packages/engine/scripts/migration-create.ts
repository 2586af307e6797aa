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
import { scratchPostgresDatabase } from '../src/db/test-databases.js';

const name = process.argv[2];

async function create(dialect: string, location: DatabaseLocation): Promise<void> {
  const options = ormOptions(location);
  const orm = await MikroORM.init({
    ...options,
    migrations: { ...options.migrations, snapshot: true, emit: 'ts', fileName: (ts: string, n?: string) => `Migration${ts}${n ? '_' + n : ''}` },
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

const scratch = await scratchPostgresDatabase('migrate');
try {
  await create('postgres', { databaseUrl: scratch.url });
} finally {
  await scratch.drop();
}
