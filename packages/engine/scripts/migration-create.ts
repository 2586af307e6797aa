/** Generates a migration from the difference between the entities and the last snapshot. */
import { MikroORM } from '@mikro-orm/better-sqlite';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ormOptions } from '../src/db/orm.js';

const dir = mkdtempSync(join(tmpdir(), 'stagent-migrate-'));
const options = ormOptions({ dataDir: dir });
const orm = await MikroORM.init({
  ...options,
  migrations: { ...options.migrations, emit: 'ts', fileName: (ts, name) => `Migration${ts}${name ? '_' + name : ''}` },
});
await orm.getMigrator().up();
const result = await orm.getMigrator().createMigration(undefined, false, process.argv[2] === '--initial', process.argv[3]);
console.log(result.fileName ? `created ${result.fileName}` : 'no changes');
await orm.close();
