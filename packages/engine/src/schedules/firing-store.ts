import { transitionStatus } from '../db/direct-sql.js';
import { ScheduleFiringSchema, type ScheduleFiring } from '../db/entities/schedule-firing.entity.js';
import type { SqlExecutor } from '../db/sql-executor.js';
import { transitionFiring, type FiringStatus } from './firing-state.js';

/**
 * The only place that writes `status` on schedule firings: moves a firing from `from` to `to`
 * (checked against the firing transition table) with its result columns, as a compare-and-set on
 * `from`. Returns false when nothing moved: the firing row is gone (its schedule was deleted
 * while it fired) or it already recorded a result.
 */
export async function transitionFiringRow(
  sql: SqlExecutor,
  firingId: string,
  from: FiringStatus,
  to: FiringStatus,
  changes: Partial<ScheduleFiring> = {},
): Promise<boolean> {
  return (await transitionStatus(sql, ScheduleFiringSchema, transitionFiring, { id: firingId }, from, to, changes)) > 0;
}
