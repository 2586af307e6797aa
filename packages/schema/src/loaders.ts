import DataLoader from 'dataloader';
import type { CostEstimate, DocumentView, EngineApi, WorkflowRunView } from '@stagent/engine';

/**
 * Per-operation dataloaders for relations. Each one turns the N lookups of a list into a single
 * call of the engine's batch method, so the number of SQL statements for a nested list query
 * does not grow with the list's length.
 */
export interface Loaders {
  /**
   * Runs of a workflow, latest first, at most `first` of them. Keys are `{ workflowId, first }`;
   * one batch makes one engine call with the largest `first` asked for and slices per key, so
   * `latestRun` and `runs(first: 50)` in one list cost a single read.
   */
  runs: DataLoader<{ workflowId: string; first: number }, WorkflowRunView[], string>;
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
        const byWorkflow = await engine.listRunsForWorkflows([...new Set(keys.map((k) => k.workflowId))], first);
        return keys.map((k) => (byWorkflow.get(k.workflowId) ?? []).slice(0, k.first));
      },
      { cacheKeyFn: (k) => `${k.workflowId}:${k.first}` },
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
