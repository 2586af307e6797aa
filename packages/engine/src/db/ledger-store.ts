import { columnsOf } from './direct-sql.js';
import { UsageLedgerSchema } from './entities/usage-ledger.entity.js';
import type { SqlExecutor } from './sql-executor.js';

/** Spend recorded in the usage ledger at or after `since` (epoch ms), USD: one aggregate over the ledger's time index. */
export async function ledgerSpendSinceUsd(sql: SqlExecutor, since: number): Promise<number> {
  const c = columnsOf(sql.metadata, UsageLedgerSchema);
  const row = await sql.get(`select coalesce(sum(${c.column('costMicros').name}), 0) as total from ${c.table} where ${c.column('createdAt').name} >= ?`, [
    since,
  ]);
  return Number(row?.total ?? 0) / 1_000_000;
}
