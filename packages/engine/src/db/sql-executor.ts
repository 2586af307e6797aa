import type { Knex, MikroORM } from './orm-types.js';
import type { MetadataStorage } from '@mikro-orm/core';

/**
 * Plain parameterised SQL on one connection, for the engine's hot path (a running step writes
 * its state, metrics and events several times per model call). Going through MikroORM and knex
 * costs about 100 µs per statement and 100 µs per transaction here, ten times what SQLite itself
 * needs (measured in `bench/`), so on better-sqlite3 the statements run on the raw connection
 * as cached prepared statements. Any other driver gets the same interface over MikroORM's
 * connection, so the SQL written against it must stay standard (see `direct-sql.ts`).
 */
export interface SqlExecutor {
  /** Entity metadata: table and column names for statements built from entity schemas. */
  readonly metadata: MetadataStorage;
  /** Runs a statement; returns the number of rows it changed. */
  run(sql: string, params: readonly unknown[]): Promise<number>;
  /** The first row a statement returns (`select`, `… returning`), if any. */
  get(sql: string, params: readonly unknown[]): Promise<SqlRow | undefined>;
  /** Every row a statement returns. */
  all(sql: string, params: readonly unknown[]): Promise<SqlRow[]>;
  /**
   * A value that changes whenever the database's data may have changed: any write on this
   * connection or a commit of any other (see `read-cache.ts`). Null when the driver has no such
   * counter or a transaction is open (its writes may still roll back).
   */
  dataVersion(): string | null;
}

export type SqlRow = Record<string, unknown>;

/** The better-sqlite3 API used here (its `Database` and `Statement`, structurally). */
interface SqliteStatement {
  reader: boolean;
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  raw(toggle: boolean): SqliteStatement;
  columns(): { name: string }[];
}

/**
 * A cached statement. Statements that return rows run in better-sqlite3's raw mode (arrays):
 * the driver building one object per row costs about twice as much as reading the values, so
 * rows are made here, with the column names read once.
 */
interface CachedStatement {
  statement: SqliteStatement;
  columns: string[] | null;
}

function toRow(columns: string[], values: unknown[]): SqlRow {
  const row: SqlRow = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
  return row;
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  readonly inTransaction: boolean;
  /** False once closed. */
  readonly open: boolean;
}

function isSqliteDatabase(connection: unknown): connection is SqliteDatabase {
  return typeof (connection as SqliteDatabase | null)?.prepare === 'function' && typeof (connection as SqliteDatabase).inTransaction === 'boolean';
}

/**
 * Prepared statements per connection. Statement texts come from a small set of shapes (a
 * multi-row insert or an `in (…)` list has one text per length), so a bound is only a safety
 * net: past it the cache starts over.
 */
const MAX_CACHED_STATEMENTS = 500;
const statementCaches = new WeakMap<SqliteDatabase, Map<string, CachedStatement>>();

/**
 * A number per connection for {@link SqlExecutor.dataVersion}: the counters it reads belong to one
 * connection, so values from two connections must never compare equal.
 */
const connectionNumbers = new WeakMap<SqliteDatabase, number>();
let connectionsNumbered = 0;

function connectionNumber(db: SqliteDatabase): number {
  let n = connectionNumbers.get(db);
  if (n === undefined) connectionNumbers.set(db, (n = ++connectionsNumbered));
  return n;
}

/**
 * Rows inserted, updated or deleted through this connection since it opened (`total_changes()`,
 * trigger changes included) and the count of commits by other connections (`data_version`).
 */
const DATA_VERSION_SQL = 'select total_changes(), data_version from pragma_data_version';

function prepared(db: SqliteDatabase, sql: string): CachedStatement {
  let cache = statementCaches.get(db);
  if (!cache) statementCaches.set(db, (cache = new Map()));
  let cached = cache.get(sql);
  if (!cached) {
    if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
    const statement = db.prepare(sql);
    const columns = statement.reader ? statement.columns().map((c) => c.name) : null;
    if (columns) statement.raw(true);
    cache.set(sql, (cached = { statement, columns }));
  }
  return cached;
}

/** better-sqlite3 binds numbers, strings, bigints, buffers and null; booleans become 0 / 1 as SQLite stores them. */
function sqliteParams(params: readonly unknown[]): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p === undefined ? null : p));
}

/** Statement logging for `Engine.open({ onQuery })` (tests count statements): MikroORM's logger, only when enabled. */
function queryLogger(orm: MikroORM): ((sql: string, startedAt: number, count: { results?: number; affected?: number }) => void) | null {
  if (!orm.config.get('debug')) return null;
  const logger = orm.config.getLogger();
  return (sql, startedAt, count) => logger.logQuery({ query: sql, took: Date.now() - startedAt, ...count, level: 'info' });
}

/** An executor on a raw better-sqlite3 connection (the caller holds it: a transaction or a pool lease). */
function sqliteExecutor(orm: MikroORM, db: SqliteDatabase): SqlExecutor {
  const log = queryLogger(orm);
  const exec = <T>(
    sql: string,
    params: readonly unknown[],
    call: (s: CachedStatement, p: unknown[]) => T,
    count: (r: T) => { results?: number; affected?: number },
  ): T => {
    const startedAt = log ? Date.now() : 0;
    const result = call(prepared(db, sql), sqliteParams(params));
    log?.(sql, startedAt, count(result));
    return result;
  };
  return {
    metadata: orm.getMetadata(),
    run: async (sql, params) =>
      exec(
        sql,
        params,
        (s, p) => s.statement.run(...p).changes,
        (affected) => ({ affected }),
      ),
    get: async (sql, params) =>
      exec(
        sql,
        params,
        (s, p) => {
          // A statement that returns no rows has no columns: better-sqlite3 refuses `get` on it with a clear error.
          const values = s.statement.get(...p) as unknown[] | undefined;
          return values && s.columns ? toRow(s.columns, values) : undefined;
        },
        (r) => ({ results: r ? 1 : 0 }),
      ),
    all: async (sql, params) =>
      exec(
        sql,
        params,
        (s, p) => {
          const rows = s.statement.all(...p) as unknown[][];
          return s.columns ? rows.map((values) => toRow(s.columns!, values)) : [];
        },
        (r) => ({ results: r.length }),
      ),
    dataVersion: () => {
      if (db.inTransaction) return null;
      const [changes, dataVersion] = exec(
        DATA_VERSION_SQL,
        [],
        (s) => s.statement.get() as [number, number],
        () => ({ results: 1 }),
      );
      return `${connectionNumber(db)}:${changes}:${dataVersion}`;
    },
  };
}

/** An executor over MikroORM's connection (any driver), inside `trx` when given. */
export function ormExecutor(orm: MikroORM, trx?: Knex.Transaction): SqlExecutor {
  const connection = orm.em.getConnection();
  return {
    metadata: orm.getMetadata(),
    run: async (sql, params) => {
      const r = (await connection.execute(sql, params as never[], 'run', trx)) as { affectedRows?: number; changes?: number };
      return r.affectedRows ?? r.changes ?? 0;
    },
    get: async (sql, params) => (await connection.execute(sql, params as never[], 'get', trx)) as SqlRow | undefined,
    all: async (sql, params) => (await connection.execute(sql, params as never[], 'all', trx)) as SqlRow[],
    // No portable change counter (PostgreSQL would need one of its own, e.g. a table bumped by triggers).
    dataVersion: () => null,
  };
}

/** The client under MikroORM's knex: its pool hands out the one connection a transaction holds. */
function knexClient(orm: MikroORM): { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<unknown> } {
  return (orm.em.getKnex() as unknown as { client: ReturnType<typeof knexClient> }).client;
}

/**
 * An executor bound to an open knex transaction (MikroORM's `em.transactional` or
 * `knex.transaction`), so that direct statements and ORM calls share it.
 */
export async function executorInTransaction(orm: MikroORM, trx: Knex.Transaction): Promise<SqlExecutor> {
  // Inside a transaction, knex's client hands out the transaction's own connection.
  const connection = await (trx as unknown as { client: ReturnType<typeof knexClient> }).client.acquireConnection();
  return isSqliteDatabase(connection) ? sqliteExecutor(orm, connection) : ormExecutor(orm, trx);
}

/**
 * Runs `work` in a transaction of plain statements: committed when it resolves, rolled back
 * when it throws. On better-sqlite3 it leases the pool's connection (every other query waits
 * for it, as with a knex transaction) and issues `BEGIN` / `COMMIT` itself; elsewhere it is a
 * knex transaction. `work` must not use an EntityManager: that would wait for the connection
 * this transaction holds.
 */
export async function sqlTransaction<T>(orm: MikroORM, work: (sql: SqlExecutor) => Promise<T>): Promise<T> {
  const client = knexClient(orm);
  const connection = await client.acquireConnection();
  if (!isSqliteDatabase(connection)) {
    await client.releaseConnection(connection);
    return orm.em.getKnex().transaction((trx) => work(ormExecutor(orm, trx)));
  }
  const sql = sqliteExecutor(orm, connection);
  try {
    await sql.run('begin', []);
    const result = await work(sql);
    await sql.run('commit', []);
    return result;
  } catch (error) {
    if (connection.inTransaction) prepared(connection, 'rollback').statement.run();
    throw error;
  } finally {
    await client.releaseConnection(connection);
  }
}

/** Runs one read outside any transaction on the pool's connection (lists and other hot reads). */
export async function withSqlExecutor<T>(orm: MikroORM, read: (sql: SqlExecutor) => Promise<T>): Promise<T> {
  const client = knexClient(orm);
  const connection = await client.acquireConnection();
  if (!isSqliteDatabase(connection)) {
    await client.releaseConnection(connection);
    return read(ormExecutor(orm));
  }
  seenConnections.set(orm, connection);
  try {
    return await read(sqliteExecutor(orm, connection));
  } finally {
    await client.releaseConnection(connection);
  }
}

/** The SQLite connection of each ORM, once a read has leased it (the pool holds exactly one). */
const seenConnections = new WeakMap<MikroORM, SqliteDatabase>();

/**
 * An executor for one synchronous statement, such as the read cache's version check, without
 * waiting for the pool: on better-sqlite3 a statement runs to completion before anything else
 * can, so outside a transaction it sees committed data even while another caller holds the
 * lease between two statements. Null when no read has shown the connection yet, when it is
 * closed, when a transaction is open on it (its writes are not committed), and on other
 * drivers. Its statements must all be issued before the caller's next `await`.
 */
export function sqlExecutorBetweenTransactions(orm: MikroORM): SqlExecutor | null {
  const connection = seenConnections.get(orm);
  if (!connection?.open || connection.inTransaction) return null;
  let executor = executorsBetweenTransactions.get(connection);
  if (!executor) executorsBetweenTransactions.set(connection, (executor = sqliteExecutor(orm, connection)));
  return executor;
}

const executorsBetweenTransactions = new WeakMap<SqliteDatabase, SqlExecutor>();
