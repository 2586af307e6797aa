import type { EntitySchema } from '@mikro-orm/core';
import { selectRows } from './select-projection.js';
import type { MikroORM } from './orm-types.js';
import { withSqlExecutor, type SqlExecutor } from './sql-executor.js';

/**
 * Locks for read-then-write work that one statement cannot express (a JSON tally folded in
 * JavaScript, a check across rows). PostgreSQL runs many writers at once: a row read and then
 * written back by two transactions loses one update unless the read locks the row. SQLite runs
 * one writer at a time (one connection per process; across processes a transaction that read
 * before another's commit fails to write rather than overwrite), so there these are plain reads
 * and no-ops. The dialect difference lives here, not in domain code.
 */

/**
 * The rows of `schema` that `tail` selects (as {@link selectRows}), locked until the transaction
 * ends (`select … for update` on PostgreSQL): a concurrent transaction doing the same waits, then
 * reads what this one committed. Call it inside a transaction only.
 */
export function selectRowsForUpdate<T>(sql: SqlExecutor, schema: EntitySchema<T, any>, tail: string, params: unknown[] = []): Promise<T[]> {
  return selectRows(sql, schema, sql.dialect === 'postgres' ? `${tail} for update` : tail, params);
}

/**
 * Serialises the transactions that call it with the same `name` until the end of the calling
 * transaction (a transaction-scoped advisory lock on PostgreSQL; SQLite has one writer already).
 * For checks across rows that no row lock covers, such as "fewer than N schedules are claimed".
 * Statements issued after it see every commit of the transactions that held it before.
 */
export async function serializeTransactions(sql: SqlExecutor, name: string): Promise<void> {
  if (sql.dialect === 'postgres') await sql.get('select pg_advisory_xact_lock(hashtext(?)) as locked', [`stagent:${name}`]);
}

/**
 * Runs `work` alone among the callers naming `name`: on PostgreSQL in a transaction of its own
 * that first takes {@link serializeTransactions}' lock; on SQLite as plain statements on the one
 * connection, outside a transaction (a write statement is atomic there on its own, and an open
 * transaction would make a second connection to the same file wait synchronously for its commit).
 * For one conditional write whose condition reads other rows (a claim checking free slots).
 */
export async function serialized<T>(orm: MikroORM, name: string, work: (sql: SqlExecutor) => Promise<T>): Promise<T> {
  return withSqlExecutor(orm, async (sql) => {
    if (sql.dialect !== 'postgres') return work(sql);
    await sql.run('begin', []);
    try {
      await serializeTransactions(sql, name);
      const result = await work(sql);
      await sql.run('commit', []);
      return result;
    } catch (error) {
      await sql.run('rollback', []).catch(() => undefined); // the original error is the one to report
      throw error;
    }
  });
}
