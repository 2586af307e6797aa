import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MikroORM as SqliteMikroORM, type Options } from '@mikro-orm/better-sqlite';
import { Migrator } from '@mikro-orm/migrations';
import { DatabaseUnreadableError, DirectStatusWriteError } from '../errors.js';
import { BoundParametersDriver } from './bound-parameters.js';
import { issuedByTransition } from './direct-sql.js';
import { resolveDataDir } from './data-dir.js';
import { entities } from './entities/index.js';
import { migrationsList } from './migrations/index.js';
import type { MikroORM } from './orm-types.js';

/** Where the database lives: a directory (file `stagent.sqlite` inside) or `:memory:`. */
export interface DatabaseLocation {
  /** Data directory; defaults to {@link resolveDataDir} (`STAGENT_DATA_DIR`, else `~/.stagent`). Use `':memory:'` for tests. */
  dataDir?: string;
  /** Log every SQL statement to this callback (used by tests that count queries): the text with `?` placeholders, never the values. */
  onQuery?: (sql: string) => void;
}

/** Resolves the SQLite file path for a location. */
export function databasePath(location: DatabaseLocation = {}): string {
  const dir = location.dataDir ?? resolveDataDir();
  if (dir === ':memory:') return ':memory:';
  mkdirSync(resolve(dir), { recursive: true });
  return join(resolve(dir), 'stagent.sqlite');
}

/** MikroORM options for a location; the CLI and migration scripts share them. */
export function ormOptions(location: DatabaseLocation = {}): Options {
  const dbName = databasePath(location);
  return {
    dbName,
    // Values travel as bound parameters, never in the SQL text (see `bound-parameters.ts`), and
    // knex's error messages show the statement with its placeholders, not with the values.
    driver: BoundParametersDriver,
    driverOptions: { compileSqlOnError: false },
    onQuery: refuseStatusUpdate,
    entities,
    extensions: [Migrator],
    allowGlobalContext: false,
    debug: location.onQuery ? ['query'] : false,
    logger: location.onQuery ? (message) => location.onQuery!(message) : undefined,
    migrations: {
      migrationsList,
      silent: true,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: true,
      snapshotName: '.snapshot-stagent',
      path: new URL('./migrations', import.meta.url).pathname,
      pathTs: new URL('./migrations', import.meta.url).pathname,
    },
    pool: { min: 1, max: 1 },
  };
}

/** `update <table> set <assignments>` of a statement (the assignments end at its `where`). */
const UPDATE_SET = /^\s*update\s+[`"]?(\w+)[`"]?\s+set\s+([\s\S]*?)(?:\swhere\s[\s\S]*)?$/i;
const STATUS_ASSIGNMENT = /(?:^|[\s,])[`"]?status[`"]?\s*=/i;

/**
 * Every statement MikroORM runs passes here: an UPDATE that sets a `status` column is refused
 * unless `transitionStatus` (`direct-sql.ts`) issued it (its executor runs over this connection
 * on drivers other than better-sqlite3), because status changes go through the transition functions.
 */
export function refuseStatusUpdate(sql: string): string {
  const update = UPDATE_SET.exec(sql);
  if (update && STATUS_ASSIGNMENT.test(update[2]!) && !issuedByTransition()) throw new DirectStatusWriteError(update[1]!);
  return sql;
}

/**
 * Opens the database, switches SQLite to WAL with a busy timeout (several processes may share
 * the file: the CLI, a server, a crash-test child), and runs pending migrations.
 */
export async function openDatabase(location: DatabaseLocation = {}): Promise<MikroORM> {
  const options = ormOptions(location);
  let orm: MikroORM | undefined;
  try {
    // The dialect's own ORM class, held as the engine's dialect-neutral type (see `orm-types.ts`).
    orm = (await SqliteMikroORM.init(options)) as unknown as MikroORM;
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
