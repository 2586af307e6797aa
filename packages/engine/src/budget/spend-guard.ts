import { ledgerSpendSinceUsd } from '../db/ledger-store.js';
import type { SqlExecutor } from '../db/sql-executor.js';

/** Start of the UTC day containing `now`, epoch ms (the daily cap's window). */
export function utcDayStart(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Spend recorded in the usage ledger since the start of the current UTC day, USD. */
export function spentTodayUsd(sql: SqlExecutor, now: number): Promise<number> {
  return ledgerSpendSinceUsd(sql, utcDayStart(now));
}
