import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BetterSqliteConnection, BetterSqlitePlatform, MikroORM as SqliteMikroORM } from '@mikro-orm/better-sqlite';
import { AbstractSqlDriver } from '@mikro-orm/knex';
import type { Configuration, Options } from '@mikro-orm/core';
import { DatabaseUnreadableError } from '../../../errors.js';
import { withBoundParameters } from '../../bound-parameters.js';
import type { MikroORM } from '../../orm-types.js';
import { migrationsList } from './migrations/index.js';

const BoundSqliteConnection = withBoundParameters(BetterSqliteConnection);

/** MikroORM's better-sqlite driver with values bound as parameters (see `bound-parameters.ts`). */
export class SqliteDriver extends AbstractSqlDriver<BetterSqliteConnection> {
  constructor(config: Configuration) {
    super(config, new BetterSqlitePlatform(), BoundSqliteConnection as never, ['knex', 'better-sqlite3']);
  }
}

/** Resolves the SQLite file of a data directory (`stagent.sqlite` inside it), or `:memory:`. */
export function sqliteFile(dataDir: string): string {
  if (dataDir === ':memory:') return ':memory:';
  mkdirSync(resolve(dataDir), { recursive: true });
  return join(resolve(dataDir), 'stagent.sqlite');
}

/**
 * The SQLite dialect's part of the ORM options: its file, driver, migrations and a pool of
 * exactly one connection (SQLite has one writer; a single connection also lets the executor
 * run a statement between two transactions without waiting, see `sqlite-executor.ts`).
 */
export function sqliteOptions(dbName: string): Partial<Options> {
  return {
    dbName,
    driver: SqliteDriver,
    migrations: { migrationsList, snapshotName: '.snapshot-stagent', path: new URL('./migrations', import.meta.url).pathname },
    pool: { min: 1, max: 1 },
  };
}

/**
 * Opens SQLite: WAL with a busy timeout (several processes may share the file: the CLI, a
 * server, a crash-test child). A file that is not a database is named with what to do.
 */
export async function openSqlite(options: Options): Promise<MikroORM> {
  let orm: MikroORM | undefined;
  try {
    // The dialect's own ORM class, held as the engine's dialect-neutral type (see `orm-types.ts`).
    orm = (await SqliteMikroORM.init(options as never)) as unknown as MikroORM;
    const connection = orm.em.getConnection();
    if (options.dbName !== ':memory:') {
      await connection.execute('PRAGMA journal_mode = WAL');
      await connection.execute('PRAGMA synchronous = NORMAL');
    }
    await connection.execute('PRAGMA busy_timeout = 5000');
    await orm.getMigrator().up();
    return orm;
  } catch (error) {
    await orm?.close(true);
    const reason = unreadableReason(error);
    throw reason ? new DatabaseUnreadableError(options.dbName!, reason, error) : error;
  }
}

/**
 * Why SQLite cannot read the file, when that is the error: its result code, not its message (the
 * query builder prefixes the message with the statement).
 */
function unreadableReason(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_NOTADB') return 'SQLite: file is not a database';
  if (code === 'SQLITE_CORRUPT') return 'SQLite: the file is damaged or truncated';
  return null;
}
