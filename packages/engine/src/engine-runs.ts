import type { EngineResources } from './resources.js';
import { WorkflowRunSchema } from './db/entities/workflow-run.entity.js';
import { StepRunSchema } from './db/entities/step-run.entity.js';
import { toRunView } from './workflows/run-store.js';
import { parameterList, selectRows } from './db/direct-sql.js';
import type { WorkflowRunView } from './workflows/read-models.js';

/**
 * Read side of runs: views of runs with their steps, batched so that lists of workflows cost a
 * fixed number of queries (two) whatever their length.
 */
export class RunReader {
  constructor(private readonly resources: EngineResources) {}

  async get(runId: string): Promise<WorkflowRunView | null> {
    const em = this.resources.orm.em.fork();
    const run = await em.findOne(WorkflowRunSchema, { id: runId });
    if (!run) return null;
    return toRunView(run, await em.find(StepRunSchema, { runId }, { orderBy: { stepIndex: 'asc', iteration: 'asc', attempt: 'asc' } }), this.resources.clock.now());
  }

  /**
   * Latest `first` runs of each workflow (newest first) with their steps: two statements
   * whatever the number of workflows. Runs beyond `first` are cut in SQL with a window function
   * (standard SQL; SQLite >= 3.25 and PostgreSQL).
   */
  async forWorkflows(workflowIds: readonly string[], first = 20): Promise<Map<string, WorkflowRunView[]>> {
    const ids = [...new Set(workflowIds)];
    const result = new Map<string, WorkflowRunView[]>(workflowIds.map((id) => [id, []]));
    if (ids.length === 0) return result;
    const em = this.resources.orm.em.fork();
    const limit = Math.max(1, Math.floor(first));
    const runs = await selectRows(em, WorkflowRunSchema,
      `where id in (select id from (select id, row_number() over (partition by workflow_id order by run_number desc) as n from workflow_runs where workflow_id in (${parameterList(ids.length)})) ranked where n <= ?) order by run_number desc`,
      [...ids, limit]);
    const steps = runs.length ? await selectRows(em, StepRunSchema, `where run_id in (${parameterList(runs.length)}) order by step_index, iteration, attempt`, runs.map((r) => r.id)) : [];
    const byRun = new Map<string, typeof steps>();
    for (const s of steps) byRun.set(s.runId, [...(byRun.get(s.runId) ?? []), s]);
    const now = this.resources.clock.now();
    for (const run of runs) result.get(run.workflowId)!.push(toRunView(run, byRun.get(run.id) ?? [], now));
    return result;
  }
}
