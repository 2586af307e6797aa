/**
 * Fails when the entities differ from either dialect's committed migrations (a migration is
 * missing). PostgreSQL is checked on a scratch database of the test server; where none answers,
 * that check is skipped with one line outside CI and fails under CI.
 */
import { MikroORM } from '@mikro-orm/core';
import { ormOptions, type DatabaseLocation } from '../src/db/orm.js';
import { probeTestPostgres, scratchPostgresDatabase, testPostgresUrl } from '../src/db/test-databases.js';

async function diff(location: DatabaseLocation): Promise<string> {
  const orm = await MikroORM.init(ormOptions(location) as never);
  try {
    await orm.getMigrator().up();
    return (await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false })).trim();
  } finally {
    await orm.close(true);
  }
}

const differences: string[] = [];
const sqlite = await diff({ dataDir: ':memory:' });
if (sqlite) differences.push(`sqlite:\n${sqlite}`);

const unavailable = await probeTestPostgres();
if (unavailable) {
  if (process.env.CI) {
    console.error(`migration check: PostgreSQL at ${testPostgresUrl()} does not answer (${unavailable}); CI needs it`);
    process.exit(1);
  }
  console.log(`migration check: PostgreSQL skipped, ${testPostgresUrl()} does not answer (${unavailable})`);
} else {
  const scratch = await scratchPostgresDatabase('migcheck');
  try {
    const postgres = await diff({ databaseUrl: scratch.url });
    if (postgres) differences.push(`postgres:\n${postgres}`);
  } finally {
    await scratch.drop();
  }
}

if (differences.length) {
  console.error('Entities differ from the migrations; run `pnpm migration:create`:\n' + differences.join('\n'));
  process.exit(1);
}
console.log('migrations are up to date');
