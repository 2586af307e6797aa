import { columnsOf } from './direct-sql.js';
import { UsageLedgerSchema } from './entities/usage-ledger.entity.js';
import { TaskSchema } from './entities/task.entity.js';
import type { SqlExecutor } from './sql-executor.js';

/** Spend recorded in the usage ledger at or after `since` (epoch ms), USD: one aggregate over the ledger's time index. */
export async function ledgerSpendSinceUsd(sql: SqlExecutor, since: number): Promise<number> {
  const c = columnsOf(sql.metadata, UsageLedgerSchema);
  const row = await sql.get(`select coalesce(sum(${c.column('costMicros').name}), 0) as total from ${c.table} where ${c.column('createdAt').name} >= ?`, [
    since,
  ]);
  return Number(row?.total ?? 0) / 1_000_000;
}

/** What the model calls of one step attempt's tasks cost, in micro-USD, from the ledger (exact: the rows are what was paid). */
export async function ledgerCostOfStepRunMicros(sql: SqlExecutor, stepRunId: string): Promise<number> {
  const ledger = columnsOf(sql.metadata, UsageLedgerSchema);
  const tasks = columnsOf(sql.metadata, TaskSchema);
  const row = await sql.get(
    `select coalesce(sum(l.${ledger.column('costMicros').name}), 0) as total from ${ledger.table} l where l.${ledger.column('taskId').name} in (select t.id from ${tasks.table} t where t.${tasks.column('stepRunId').name} = ?)`,
    [stepRunId],
  );
  return Number(row?.total ?? 0);
}
