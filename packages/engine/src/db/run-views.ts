import { WorkflowRunSchema, type WorkflowRun } from './entities/workflow-run.entity.js';
import { StepRunSchema, type StepRun } from './entities/step-run.entity.js';
import { columnsOf, parameterList } from './direct-sql.js';
import { projection } from './select-projection.js';
import type { SqlExecutor } from './sql-executor.js';

// The rows run views are built from, read as plain statements of the columns the views need
// (cached prepared statements on SQLite, see `sql-executor.ts`): through MikroORM the same
// reads cost two to three times as much. Summaries leave the large columns out (as null).

/** Run columns a run view is made of (not the stored definition, lease or audit columns). */
const RUN_PROPERTIES = [
  'id',
  'workflowId',
  'runNumber',
  'status',
  'startedAt',
  'finishedAt',
  'costEstimate',
  'inputTokens',
  'outputTokens',
  'costMicros',
  'failureCategory',
  'error',
  'resumeAt',
  'pricingKnown',
  'reusedMicros',
  'ownerId',
  'resumeCount',
] as const satisfies readonly (keyof WorkflowRun)[];

/** The large run and step columns, left out of summaries (`RunListOptions.summaries` in `facade/engine-api.ts`). */
const LARGE_RUN_PROPERTIES = new Set<string>(['costEstimate']);
const LARGE_STEP_PROPERTIES = new Set<string>(['output', 'evidence']);
const SUMMARY_RUN_PROPERTIES = RUN_PROPERTIES.filter((p) => !LARGE_RUN_PROPERTIES.has(p));

/** Step columns a step view is made of (not cache token counts, approvals or audit columns). */
const STEP_PROPERTIES = [
  'id',
  'runId',
  'stepId',
  'stepIndex',
  'iteration',
  'attempt',
  'name',
  'status',
  'taskId',
  'output',
  'error',
  'failureCategory',
  'evidence',
  'runtimeId',
  'modelId',
  'startedAt',
  'finishedAt',
  'durationMs',
  'estimatedDurationMs',
  'inputTokens',
  'outputTokens',
  'costMicros',
  'budgetUsd',
  'turns',
  'currentTool',
  'tokensPerSecond',
  'resumeAt',
  'documentCount',
  'pricingKnown',
  'turnsReused',
  'reusedMicros',
] as const satisfies readonly (keyof StepRun)[];
const SUMMARY_STEP_PROPERTIES = STEP_PROPERTIES.filter((p) => !LARGE_STEP_PROPERTIES.has(p));

/** The run `runId` with the columns of a run view; undefined when there is none. */
export async function findRunForView(sql: SqlExecutor, runId: string): Promise<WorkflowRun | undefined> {
  const runs = projection(sql, WorkflowRunSchema, RUN_PROPERTIES);
  const row = await sql.get(`select ${runs.list} from ${columnsOf(sql.metadata, WorkflowRunSchema).table} where id = ?`, [runId]);
  return row ? (runs.map(row) as WorkflowRun) : undefined;
}

/**
 * The latest `limit` runs of each workflow of `workflowIds`, newest first, in one statement: runs
 * beyond `limit` are cut in SQL with a window function (standard SQL; SQLite >= 3.25 and PostgreSQL).
 */
export async function latestRunsOf(sql: SqlExecutor, workflowIds: readonly string[], limit: number, summaries: boolean): Promise<WorkflowRun[]> {
  const runs = projection(sql, WorkflowRunSchema, summaries ? SUMMARY_RUN_PROPERTIES : RUN_PROPERTIES);
  const table = columnsOf(sql.metadata, WorkflowRunSchema).table;
  return (
    await sql.all(
      `select ${runs.list} from ${table} where id in (select id from (select id, row_number() over (partition by workflow_id order by run_number desc) as n from ${table} where workflow_id in (${parameterList(workflowIds.length)})) ranked where n <= ?) order by run_number desc`,
      [...workflowIds, limit],
    )
  ).map((r) => (summaries ? Object.assign(runs.map(r), { costEstimate: null }) : runs.map(r)) as WorkflowRun);
}

/** Every attempt of the steps of `runIds`, ordered by step index, iteration and attempt (as run views expect). */
export async function stepsOfRuns(sql: SqlExecutor, runIds: readonly string[], summaries = false): Promise<StepRun[]> {
  if (runIds.length === 0) return [];
  const steps = projection(sql, StepRunSchema, summaries ? SUMMARY_STEP_PROPERTIES : STEP_PROPERTIES);
  const rows = await sql.all(
    `select ${steps.list} from ${columnsOf(sql.metadata, StepRunSchema).table} where run_id in (${parameterList(runIds.length)}) order by step_index, iteration, attempt`,
    runIds,
  );
  return rows.map((r) => (summaries ? Object.assign(steps.map(r), { output: null, evidence: null }) : steps.map(r)) as StepRun);
}
