import type { EngineResources } from './resources.js';
import { WorkflowRunSchema } from './db/entities/workflow-run.entity.js';
import { StepRunSchema } from './db/entities/step-run.entity.js';
import { toRunView } from './workflows/run-store.js';
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

  /** Latest `first` runs of each workflow (newest first). */
  async forWorkflows(workflowIds: readonly string[], first = 20): Promise<Map<string, WorkflowRunView[]>> {
    const result = new Map<string, WorkflowRunView[]>(workflowIds.map((id) => [id, []]));
    if (workflowIds.length === 0) return result;
    const em = this.resources.orm.em.fork();
    const runs = await em.find(WorkflowRunSchema, { workflowId: { $in: [...new Set(workflowIds)] } }, { orderBy: { runNumber: 'desc' } });
    const kept = runs.filter((r) => {
      const list = result.get(r.workflowId)!;
      if (list.length >= first) return false;
      list.push(null as unknown as WorkflowRunView);
      return true;
    });
    for (const list of result.values()) list.length = 0;
    const steps = kept.length ? await em.find(StepRunSchema, { runId: { $in: kept.map((r) => r.id) } }, { orderBy: { stepIndex: 'asc', iteration: 'asc', attempt: 'asc' } }) : [];
    for (const run of kept) result.get(run.workflowId)!.push(toRunView(run, steps.filter((s) => s.runId === run.id), this.resources.clock.now()));
    return result;
  }
}
