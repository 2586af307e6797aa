import type { MikroORM } from '../../orm-types.js';
import { refuseDirectStatusWrite, statusTableOf } from '../../status-guard.js';
import { queryLogger } from '../../query-log.js';
import type { RawConnection, SqlExecutor, SqlRow } from '../../sql-executor.js';

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
  /** The table whose status column the statement sets (see `status-guard.ts`), or null. */
  statusTable: string | null;
}

function toRow(columns: string[], values: unknown[]): SqlRow {
  const row: SqlRow = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
  return row;
}

/** A raw better-sqlite3 connection, as knex's pool hands it out. */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  readonly inTransaction: boolean;
  /** False once closed. */
  readonly open: boolean;
}

/** Whether a connection from knex's pool is a better-sqlite3 database. */
export function isSqliteDatabase(connection: unknown): connection is SqliteDatabase {
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
    cache.set(sql, (cached = { statement, columns, statusTable: statusTableOf(sql) }));
  }
  return cached;
}

/** better-sqlite3 binds numbers, strings, bigints, buffers and null; booleans become 0 / 1 as SQLite stores them. */
function sqliteParams(params: readonly unknown[]): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p === undefined ? null : p));
}

/** An executor on a raw better-sqlite3 connection (the caller holds it: a transaction or a pool lease). */
export function sqliteExecutor(orm: MikroORM, db: SqliteDatabase): SqlExecutor {
  const log = queryLogger(orm);
  const exec = <T>(
    sql: string,
    params: readonly unknown[],
    call: (s: CachedStatement, p: unknown[]) => T,
    count: (r: T) => { results?: number; affected?: number },
  ): T => {
    const startedAt = log ? Date.now() : 0;
    const statement = prepared(db, sql);
    refuseDirectStatusWrite(statement.statusTable);
    const result = call(statement, sqliteParams(params));
    log?.(sql, startedAt, count(result));
    return result;
  };
  return {
    metadata: orm.getMetadata(),
    dialect: 'sqlite',
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
    dataVersion: async () => {
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

/** A leased better-sqlite3 connection: its executor and hand-issued `BEGIN` / `COMMIT`. */
export function sqliteConnection(orm: MikroORM, db: SqliteDatabase): RawConnection {
  const sql = sqliteExecutor(orm, db);
  return {
    sql,
    begin: () => sql.run('begin', []).then(() => undefined),
    commit: () => sql.run('commit', []).then(() => undefined),
    // A failed statement may already have ended the transaction (SQLite rolls back on some errors).
    rollback: async () => void (db.inTransaction && prepared(db, 'rollback').statement.run()),
  };
}

/** The SQLite connection of each ORM, once a read has leased it (the pool holds exactly one). */
const seenConnections = new WeakMap<MikroORM, SqliteDatabase>();

/** Remembers the connection a read leased, for {@link sqliteExecutorBetweenTransactions}. */
export function rememberSqliteConnection(orm: MikroORM, connection: SqliteDatabase): void {
  seenConnections.set(orm, connection);
}

/**
 * An executor for one synchronous statement, such as the read cache's version check, without
 * waiting for the pool: on better-sqlite3 a statement runs to completion before anything else
 * can, so outside a transaction it sees committed data even while another caller holds the
 * lease between two statements. Null when no read has shown the connection yet, when it is
 * closed and when a transaction is open on it (its writes are not committed). Its statements
 * must all be issued before the caller's next `await`.
 */
export function sqliteExecutorBetweenTransactions(orm: MikroORM): SqlExecutor | null {
  const connection = seenConnections.get(orm);
  if (!connection?.open || connection.inTransaction) return null;
  let executor = executorsBetweenTransactions.get(connection);
  if (!executor) executorsBetweenTransactions.set(connection, (executor = sqliteExecutor(orm, connection)));
  return executor;
}

const executorsBetweenTransactions = new WeakMap<SqliteDatabase, SqlExecutor>();
