import type { Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { parseDatabaseUrl } from './database-url.js';
import { refuseDirectStatusWrite, statusTableOf } from './status-guard.js';
import { resolveDataDir } from './data-dir.js';
import { openPostgres, postgresOptions } from './dialects/postgres/postgres-dialect.js';
import { openSqlite, sqliteFile, sqliteOptions } from './dialects/sqlite/sqlite-dialect.js';
import { entities } from './entities/index.js';
import type { MikroORM } from './orm-types.js';

/**
 * Where the database lives: a PostgreSQL server (`databaseUrl`), else the SQLite file
 * `stagent.sqlite` in a data directory (or `:memory:`).
 */
export interface DatabaseLocation {
  /** `postgres://user:password@host:port/database`: PostgreSQL. Unset: SQLite in `dataDir`. */
  databaseUrl?: string;
  /** Data directory; defaults to {@link resolveDataDir} (`STAGENT_DATA_DIR`, else `~/.stagent`). Use `':memory:'` for tests. */
  dataDir?: string;
  /** Log every SQL statement to this callback (used by tests that count queries): the text with `?` placeholders, never the values. */
  onQuery?: (sql: string) => void;
}

/** The database a location names, for messages: the masked PostgreSQL URL or the SQLite file. */
export function describeDatabase(location: DatabaseLocation = {}): string {
  return location.databaseUrl ? parseDatabaseUrl(location.databaseUrl).masked : sqliteFile(location.dataDir ?? resolveDataDir());
}

/** MikroORM options for a location; the CLI and migration scripts share them. */
export function ormOptions(location: DatabaseLocation = {}): Options {
  const dialect = location.databaseUrl
    ? postgresOptions(parseDatabaseUrl(location.databaseUrl))
    : sqliteOptions(sqliteFile(location.dataDir ?? resolveDataDir()));
  return {
    // Values travel as bound parameters, never in the SQL text (see `bound-parameters.ts`), and
    // knex's error messages show the statement with its placeholders, not with the values.
    driverOptions: { compileSqlOnError: false },
    onQuery: refuseStatusUpdate,
    entities,
    extensions: [Migrator],
    allowGlobalContext: false,
    debug: location.onQuery ? ['query'] : false,
    logger: location.onQuery ? (message) => location.onQuery!(message) : undefined,
    ...dialect,
    migrations: {
      silent: true,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      // MikroORM writes the migrated database's schema into the snapshot file after every `up()`:
      // at run time that rewrote the committed file inside the package with whatever else the
      // database held. Only `migration:create` keeps snapshots.
      snapshot: false,
      ...dialect.migrations,
      pathTs: dialect.migrations?.path,
    },
  } as Options;
}

/** MikroORM's `onQuery` hook: every statement it runs passes the status guard (see `status-guard.ts`). */
export function refuseStatusUpdate(sql: string): string {
  refuseDirectStatusWrite(statusTableOf(sql));
  return sql;
}

/** Opens the database of a location in its dialect and runs pending migrations. */
export async function openDatabase(location: DatabaseLocation = {}): Promise<MikroORM> {
  const options = ormOptions(location);
  return location.databaseUrl ? openPostgres(options, parseDatabaseUrl(location.databaseUrl)) : openSqlite(options);
}
