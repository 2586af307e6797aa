import DataLoader from 'dataloader';
import type { CostEstimate, DocumentView, EngineApi, WorkflowRunView } from '@stagent/engine';

/**
 * Per-operation dataloaders for relations. Each one turns the N lookups of a list into a single
 * call of the engine's batch method, so the number of SQL statements for a nested list query
 * does not grow with the list's length.
 */
export interface Loaders {
  /** Runs of a workflow, latest first, at most `first` of them (one loader per distinct `first`). */
  runs(first: number): DataLoader<string, WorkflowRunView[]>;
  /** Pre-flight estimate of a stored workflow (USD, tokens). */
  costEstimate: DataLoader<string, CostEstimate>;
  /** Document metadata by id (null when the document no longer exists). */
  document: DataLoader<string, DocumentView | null>;
}

/** Creates fresh loaders; call once per GraphQL operation so caches never outlive a request. */
export function createLoaders(engine: EngineApi): Loaders {
  const runLoaders = new Map<number, DataLoader<string, WorkflowRunView[]>>();
  return {
    runs(first) {
      let loader = runLoaders.get(first);
      if (!loader) {
        loader = new DataLoader(async (ids) => {
          const byWorkflow = await engine.listRunsForWorkflows(ids, first);
          return ids.map((id) => byWorkflow.get(id) ?? []);
        });
        runLoaders.set(first, loader);
      }
      return loader;
    },
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
