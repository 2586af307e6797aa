import type { EngineResources } from '../resources.js';
import { WorkflowRunSchema, type WorkflowRun } from '../db/entities/workflow-run.entity.js';
import { StepRunSchema, type StepRun } from '../db/entities/step-run.entity.js';
import { toRunView } from '../workflows/run-store.js';
import { columnsOf, parameterList } from '../db/direct-sql.js';
import { withSqlExecutor, type SqlExecutor } from '../db/sql-executor.js';
import { projection } from '../db/select-projection.js';
import { ReadCache } from '../db/read-cache.js';
import type { WorkflowRunView } from '../workflows/read-models.js';
import type { RunListOptions } from './engine-api.js';

/** Run columns a {@link WorkflowRunView} is made of (not the stored definition, lease or audit columns). */
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
] as const satisfies readonly (keyof WorkflowRun)[];

/** The large run and step columns, left out of summaries (see `RunListOptions.summaries`). */
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
] as const satisfies readonly (keyof StepRun)[];
const SUMMARY_STEP_PROPERTIES = STEP_PROPERTIES.filter((p) => !LARGE_STEP_PROPERTIES.has(p));

/**
 * Read side of runs: views of runs with their steps, batched so that lists of workflows cost a
 * fixed number of statements (two) whatever their length. Lists are read as plain statements
 * (cached prepared statements on SQLite, see `db/sql-executor.ts`) of the columns the views
 * need: through MikroORM the same reads cost two to three times as much.
 */
export class RunReader {
  /** Lists of runs for the same workflows, kept while the database is unchanged (see `db/read-cache.ts`). */
  private readonly cache: ReadCache;

  constructor(
    private readonly resources: EngineResources,
    options: { readCache?: boolean } = {},
  ) {
    this.cache = new ReadCache(32, options.readCache ?? true);
  }

  async get(runId: string): Promise<WorkflowRunView | null> {
    return withSqlExecutor(this.resources.orm, async (sql) => {
      const runs = projection(sql, WorkflowRunSchema, RUN_PROPERTIES);
      const row = await sql.get(`select ${runs.list} from ${columnsOf(sql.metadata, WorkflowRunSchema).table} where id = ?`, [runId]);
      if (!row) return null;
      return toRunView(runs.map(row) as WorkflowRun, await this.stepsOf(sql, [runId]), this.resources.clock.now());
    });
  }

  /**
   * Latest `first` runs of each workflow (newest first), each with its steps when it is one of
   * the latest `stepsOfLatest` (default: all of them; runs past it come with `steps: []`, for
   * lists that show the steps of the latest run only). Two statements whatever the number of
   * workflows; runs beyond `first` are cut in SQL with a window function (standard SQL; SQLite
   * >= 3.25 and PostgreSQL).
   */
  async forWorkflows(workflowIds: readonly string[], first = 20, options: RunListOptions = {}): Promise<Map<string, readonly WorkflowRunView[]>> {
    const ids = [...new Set(workflowIds)];
    const result = new Map<string, readonly WorkflowRunView[]>(workflowIds.map((id) => [id, []]));
    if (ids.length === 0) return result;
    const limit = Math.max(1, Math.floor(first));
    const stepsOfLatest = Math.min(limit, Math.max(0, Math.floor(options.stepsOfLatest ?? limit)));
    const summaries = options.summaries === true;
    const byWorkflow = await this.cache.get(
      this.resources.orm,
      `${limit}:${stepsOfLatest}:${summaries ? 's' : ''}:${ids.join(',')}`,
      (sql) => this.readForWorkflows(sql, ids, limit, stepsOfLatest, summaries),
      // A list whose running steps show a clock-derived `elapsedMs` is stale a moment later: not kept.
      (lists) => !lists.some(([, runs]) => runs.some(hasClockDerivedValues)),
    );
    for (const [workflowId, runs] of byWorkflow) result.set(workflowId, runs);
    return result;
  }

  /** Runs of `ids` per workflow (see {@link forWorkflows}), as entries in no particular order. */
  private async readForWorkflows(
    sql: SqlExecutor,
    ids: string[],
    limit: number,
    stepsOfLatest: number,
    summaries: boolean,
  ): Promise<[string, WorkflowRunView[]][]> {
    const runs = projection(sql, WorkflowRunSchema, summaries ? SUMMARY_RUN_PROPERTIES : RUN_PROPERTIES);
    const table = columnsOf(sql.metadata, WorkflowRunSchema).table;
    const rows = (
      await sql.all(
        `select ${runs.list} from ${table} where id in (select id from (select id, row_number() over (partition by workflow_id order by run_number desc) as n from ${table} where workflow_id in (${parameterList(ids.length)})) ranked where n <= ?) order by run_number desc`,
        [...ids, limit],
      )
    ).map((r) => (summaries ? Object.assign(runs.map(r), { costEstimate: null }) : runs.map(r)) as WorkflowRun);
    const withSteps = new Set<string>();
    const seen = new Map<string, number>();
    for (const run of rows) {
      const n = (seen.get(run.workflowId) ?? 0) + 1;
      seen.set(run.workflowId, n);
      if (n <= stepsOfLatest) withSteps.add(run.id);
    }
    const steps = await this.stepsOf(sql, [...withSteps], summaries);
    const byRun = new Map<string, StepRun[]>();
    for (const s of steps) {
      const list = byRun.get(s.runId);
      if (list) list.push(s);
      else byRun.set(s.runId, [s]);
    }
    const now = this.resources.clock.now();
    const byWorkflow = new Map<string, WorkflowRunView[]>();
    for (const run of rows) {
      const view = toRunView(run, byRun.get(run.id) ?? [], now);
      const list = byWorkflow.get(run.workflowId);
      if (list) list.push(view);
      else byWorkflow.set(run.workflowId, [view]);
    }
    return [...byWorkflow];
  }

  /** Every attempt of the steps of `runIds`, ordered as {@link toRunView} expects. */
  private async stepsOf(sql: SqlExecutor, runIds: readonly string[], summaries = false): Promise<StepRun[]> {
    if (runIds.length === 0) return [];
    const steps = projection(sql, StepRunSchema, summaries ? SUMMARY_STEP_PROPERTIES : STEP_PROPERTIES);
    const rows = await sql.all(
      `select ${steps.list} from ${columnsOf(sql.metadata, StepRunSchema).table} where run_id in (${parameterList(runIds.length)}) order by step_index, iteration, attempt`,
      runIds,
    );
    return rows.map((r) => (summaries ? Object.assign(steps.map(r), { output: null, evidence: null }) : steps.map(r)) as StepRun);
  }
}

/** Whether a run view holds a value computed from the clock (a started step's `elapsedMs` before it has a duration). */
function hasClockDerivedValues(run: WorkflowRunView): boolean {
  return run.steps.some((step) => step.durationMs === null && step.startedAt !== null);
}
