import DataLoader from 'dataloader';
import type { CostEstimate, DocumentView, EngineApi, WorkflowRunView } from '@stagent/engine';

/**
 * Per-operation dataloaders for relations. Each one turns the N lookups of a list into a single
 * call of the engine's batch method, so the number of SQL statements for a nested list query
 * does not grow with the list's length.
 */
/** Key of {@link Loaders.runs}. */
export interface RunsKey {
  workflowId: string;
  first: number;
  steps: boolean;
  /** Whether a large field is asked for (run `costEstimate`, step `output` or `evidence`); otherwise they may be null. */
  large: boolean;
}

export interface Loaders {
  /**
   * Runs of a workflow, latest first, at most `first` of them, with their steps when `steps` is
   * true (otherwise steps may be empty). One batch makes one engine call with the largest
   * `first` asked for, reading steps only as far back as a key that wants them, and slices per
   * key: `latestRun { steps }` and `runs(first: 50) { id status }` in one list cost a single
   * read of 50 runs and one run's steps per workflow. The large fields are read only when a key
   * in the batch asks for them.
   */
  runs: DataLoader<RunsKey, WorkflowRunView[], string>;
  /** Pre-flight estimate of a stored workflow (USD, tokens). */
  costEstimate: DataLoader<string, CostEstimate>;
  /** Document metadata by id (null when the document no longer exists). */
  document: DataLoader<string, DocumentView | null>;
}

/** Creates fresh loaders; call once per GraphQL operation so caches never outlive a request. */
export function createLoaders(engine: EngineApi): Loaders {
  return {
    runs: new DataLoader(
      async (keys) => {
        const first = Math.max(...keys.map((k) => k.first));
        const stepsOfLatest = Math.max(0, ...keys.filter((k) => k.steps).map((k) => k.first));
        const summaries = !keys.some((k) => k.large);
        const byWorkflow = await engine.listRunsForWorkflows([...new Set(keys.map((k) => k.workflowId))], first, { stepsOfLatest, summaries });
        return keys.map((k) => (byWorkflow.get(k.workflowId) ?? []).slice(0, k.first));
      },
      { cacheKeyFn: (k) => `${k.workflowId}:${k.first}:${k.steps ? 's' : ''}${k.large ? 'l' : ''}` },
    ),
    costEstimate: new DataLoader(async (ids) => {
      const byWorkflow = await engine.estimateStoredWorkflows(ids);
      return ids.map((id) => byWorkflow.get(id) ?? new Error(`No cost estimate for workflow ${id}.`));
    }),
    document: new DataLoader((ids) => engine.getDocuments(ids)),
  };
}

/** Builds the GraphQL context for one operation. */
export function createContext(engine: EngineApi): { engine: EngineApi; loaders: Loaders } {
  return { engine, loaders: createLoaders(engine) };
}
