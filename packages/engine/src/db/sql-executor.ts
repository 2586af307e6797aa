import type { Knex, MikroORM } from './orm-types.js';
import type { MetadataStorage } from '@mikro-orm/core';
import { isSqliteDatabase, rememberSqliteConnection, sqliteConnection, sqliteExecutorBetweenTransactions } from './dialects/sqlite/sqlite-executor.js';
import { isPgClient, pgConnection } from './dialects/postgres/postgres-executor.js';

/**
 * Plain parameterised SQL on one connection, for the engine's hot path (a running step writes
 * its state, metrics and events several times per model call). Going through MikroORM and knex
 * costs about 100 µs per statement and 100 µs per transaction here, ten times what SQLite itself
 * needs (measured in `bench/`), so statements run on the raw driver connection as prepared
 * statements: better-sqlite3's cached statements (`dialects/sqlite/sqlite-executor.ts`), or named
 * server-side statements on node-postgres (`dialects/postgres/postgres-executor.ts`). The SQL written
 * against it is standard, with `?` placeholders (see `direct-sql.ts`).
 */
export interface SqlExecutor {
  /** Entity metadata: table and column names for statements built from entity schemas. */
  readonly metadata: MetadataStorage;
  /** The database behind it, for the few statements that differ (row locks: see `row-locks.ts`). */
  readonly dialect: SqlDialect;
  /** Runs a statement; returns the number of rows it changed. */
  run(sql: string, params: readonly unknown[]): Promise<number>;
  /** The first row a statement returns (`select`, `… returning`), if any. */
  get(sql: string, params: readonly unknown[]): Promise<SqlRow | undefined>;
  /** Every row a statement returns. */
  all(sql: string, params: readonly unknown[]): Promise<SqlRow[]>;
  /**
   * A value that changes whenever the database's data may have changed: any write on this
   * connection or a commit of any other (see `read-cache.ts`). Null inside a transaction (its
   * writes may still roll back). SQLite computes it before the call returns (no await).
   */
  dataVersion(): Promise<string | null>;
}

export type SqlRow = Record<string, unknown>;

export type SqlDialect = 'sqlite' | 'postgres';

/** A raw driver connection leased from the pool: its executor and transaction control. */
export interface RawConnection {
  sql: SqlExecutor;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** The dialect's raw connection over a connection from knex's pool. */
function rawConnection(orm: MikroORM, connection: unknown, outsideTransaction = false): RawConnection {
  if (isSqliteDatabase(connection)) return sqliteConnection(orm, connection);
  if (isPgClient(connection)) return pgConnection(orm, connection, outsideTransaction);
  throw new TypeError('Stagent runs on better-sqlite3 or node-postgres connections only.');
}

/** The client under MikroORM's knex: its pool hands out driver connections. */
interface KnexClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(c: unknown): Promise<unknown>;
}

function knexClient(orm: MikroORM): KnexClient {
  return (orm.em.getKnex() as unknown as { client: KnexClient }).client;
}

/**
 * An executor bound to an open knex transaction (MikroORM's `em.transactional` or
 * `knex.transaction`), so that direct statements and ORM calls share it.
 */
export async function executorInTransaction(orm: MikroORM, trx: Knex.Transaction): Promise<SqlExecutor> {
  // Inside a transaction, knex's client hands out the transaction's own connection.
  const connection = await (trx as unknown as { client: KnexClient }).client.acquireConnection();
  return rawConnection(orm, connection).sql;
}

/**
 * Runs `work` in a transaction of plain statements: committed when it resolves, rolled back
 * when it throws. It leases a connection from the pool (on SQLite the only one: every other
 * query waits for it, as with a knex transaction) and issues `BEGIN` / `COMMIT` itself. `work`
 * must not use an EntityManager: on SQLite that would wait for the connection this transaction holds.
 */
export async function sqlTransaction<T>(orm: MikroORM, work: (sql: SqlExecutor) => Promise<T>): Promise<T> {
  const client = knexClient(orm);
  const connection = await client.acquireConnection();
  const raw = rawConnection(orm, connection);
  try {
    await raw.begin();
    const result = await work(raw.sql);
    await raw.commit();
    return result;
  } catch (error) {
    await raw.rollback().catch(() => undefined); // the original error is the one to report
    throw error;
  } finally {
    await client.releaseConnection(connection);
  }
}

/** Runs one read outside any transaction on a connection leased from the pool (lists and other hot reads). */
export async function withSqlExecutor<T>(orm: MikroORM, read: (sql: SqlExecutor) => Promise<T>): Promise<T> {
  const client = knexClient(orm);
  const connection = await client.acquireConnection();
  if (isSqliteDatabase(connection)) rememberSqliteConnection(orm, connection);
  try {
    return await read(rawConnection(orm, connection, true).sql);
  } finally {
    await client.releaseConnection(connection);
  }
}

/**
 * An executor for one synchronous statement without waiting for the pool, for the read cache's
 * version check: only SQLite has one (see `sqliteExecutorBetweenTransactions`); null elsewhere.
 */
export function sqlExecutorBetweenTransactions(orm: MikroORM): SqlExecutor | null {
  return sqliteExecutorBetweenTransactions(orm);
}
