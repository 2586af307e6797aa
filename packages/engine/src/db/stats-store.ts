import { WorkflowExecutionStatsSchema, type WorkflowExecutionStats } from './entities/workflow-execution-stats.entity.js';
import type { EngineResources } from '../resources.js';
import { columnsOf, insertRows, updateRows } from './direct-sql.js';
import { selectRowsForUpdate } from './row-locks.js';
import type { SqlExecutor } from './sql-executor.js';

// The rows of `workflow_execution_stats`, one per (pattern, step count) bucket. The running-mean
// arithmetic that folds a run into a bucket lives in intelligence/execution-stats.ts; these are
// its statements, run in the caller's transaction (the one that finishes or re-opens the run).

/** A stats bucket row. */
export type StatsBucket = WorkflowExecutionStats;

/**
 * Inserts an empty bucket unless it exists (`on conflict do nothing`): two first runs of a
 * bucket finishing at once both go on to {@link lockStatsBucket} instead of one failing.
 */
export async function createStatsBucketIfMissing(sql: SqlExecutor, bucket: { id: string; pattern: string; stepCount: number; now: number }): Promise<void> {
  await insertRows(
    sql,
    WorkflowExecutionStatsSchema,
    [
      {
        id: bucket.id,
        pattern: bucket.pattern,
        stepCount: bucket.stepCount,
        sampleCount: 0,
        successCount: 0,
        meanCostPerStepUsd: null,
        meanDurationPerStepMs: null,
        meanDocsPerStep: null,
        failureCounts: {},
        runtimeRuns: {},
        createdAt: bucket.now,
        updatedAt: bucket.now,
      },
    ],
    { ignoreDuplicates: true },
  );
}

/**
 * The bucket row, locked until the transaction ends (see `row-locks.ts`): concurrent finishes on
 * PostgreSQL wait for each other instead of folding into the same old means and losing samples.
 */
export async function lockStatsBucket(sql: SqlExecutor, id: string): Promise<StatsBucket | undefined> {
  const c = columnsOf(sql.metadata, WorkflowExecutionStatsSchema);
  const [row] = await selectRowsForUpdate(sql, WorkflowExecutionStatsSchema, `where ${c.column('id').name} = ?`, [id]);
  return row;
}

/** Writes a bucket's folded tallies and means back (every column but its identity). */
export async function writeStatsBucket(sql: SqlExecutor, row: StatsBucket): Promise<void> {
  await updateRows(
    sql,
    WorkflowExecutionStatsSchema,
    { id: row.id },
    {
      sampleCount: row.sampleCount,
      successCount: row.successCount,
      meanCostPerStepUsd: row.meanCostPerStepUsd ?? null,
      meanDurationPerStepMs: row.meanDurationPerStepMs ?? null,
      meanDocsPerStep: row.meanDocsPerStep ?? null,
      failureCounts: row.failureCounts,
      runtimeRuns: row.runtimeRuns,
      updatedAt: row.updatedAt,
    },
  );
}

/** Every bucket, ordered by pattern then step count. */
export function listStatsBuckets(resources: Pick<EngineResources, 'orm'>): Promise<StatsBucket[]> {
  return resources.orm.em.fork().find(WorkflowExecutionStatsSchema, {}, { orderBy: { pattern: 'asc', stepCount: 'asc' } });
}

/** The buckets of one step count (one per pattern that has run), ordered by pattern. */
export function statsBucketsOfStepCount(resources: Pick<EngineResources, 'orm'>, stepCount: number): Promise<StatsBucket[]> {
  return resources.orm.em.fork().find(WorkflowExecutionStatsSchema, { stepCount }, { orderBy: { pattern: 'asc' } });
}
