import { columnsOf } from '../db/direct-sql.js';
import { UsageLedgerSchema } from '../db/entities/usage-ledger.entity.js';
import type { SqlExecutor } from '../db/sql-executor.js';

/** Start of the UTC day containing `now`, epoch ms (the daily cap's window). */
export function utcDayStart(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Spend recorded in the usage ledger since the start of the current UTC day, USD. */
export async function spentTodayUsd(sql: SqlExecutor, now: number): Promise<number> {
  const c = columnsOf(sql.metadata, UsageLedgerSchema);
  const row = await sql.get(`select coalesce(sum(${c.column('costMicros').name}), 0) as total from ${c.table} where ${c.column('createdAt').name} >= ?`, [
    utcDayStart(now),
  ]);
  return Number(row?.total ?? 0) / 1_000_000;
}
