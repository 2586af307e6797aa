import type { EngineResources } from '../resources.js';
import type { StepRun } from '../db/entities/step-run.entity.js';
import { toRunView } from '../workflows/run-store.js';
import { findRunForView, latestRunsOf, stepsOfRuns } from '../db/run-views.js';
import { withSqlExecutor, type SqlExecutor } from '../db/sql-executor.js';
import { ReadCache } from '../db/read-cache.js';
import type { WorkflowRunView } from '../workflows/read-models.js';
import type { RunListOptions } from './engine-api.js';

/**
 * Read side of runs: views of runs with their steps, batched so that lists of workflows cost a
 * fixed number of statements (two) whatever their length. The rows come from `db/run-views.ts`;
 * this module builds the views and keeps lists in the read cache.
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
      const run = await findRunForView(sql, runId);
      if (!run) return null;
      return toRunView(run, await stepsOfRuns(sql, [runId]), this.resources.clock.now());
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
    const rows = await latestRunsOf(sql, ids, limit, summaries);
    const withSteps = new Set<string>();
    const seen = new Map<string, number>();
    for (const run of rows) {
      const n = (seen.get(run.workflowId) ?? 0) + 1;
      seen.set(run.workflowId, n);
      if (n <= stepsOfLatest) withSteps.add(run.id);
    }
    const steps = await stepsOfRuns(sql, [...withSteps], summaries);
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
}

/** Whether a run view holds a value computed from the clock (a started step's `elapsedMs` before it has a duration). */
function hasClockDerivedValues(run: WorkflowRunView): boolean {
  return run.steps.some((step) => step.durationMs === null && step.startedAt !== null);
}
