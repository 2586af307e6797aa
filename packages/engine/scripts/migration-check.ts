/** Fails when the entities differ from the committed migrations (a migration is missing). */
import { MikroORM } from '@mikro-orm/better-sqlite';
import { ormOptions } from '../src/db/orm.js';

const orm = await MikroORM.init(ormOptions({ dataDir: ':memory:' }));
await orm.getMigrator().up();
const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
await orm.close();
if (diff.trim()) {
  console.error('Entities differ from the migrations; run `pnpm migration:create`:\n' + diff);
  process.exit(1);
}
console.log('migrations are up to date');
