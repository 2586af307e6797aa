import type { EngineResources } from '../resources.js';
import type { WorkflowDefinitionInput } from '../workflows/definition.js';
import { loadCompletedSteps } from '../db/history-store.js';
import { statsBucketsOfStepCount } from '../db/stats-store.js';

/** Newest comparable attempts used per step for the budget statistics. */
export const BUDGET_WINDOW = 50;

/** One stats bucket's raw tallies (rates are derived where thresholds need the run counts). */
export interface BucketTally {
  pattern: string;
  stepCount: number;
  sampleCount: number;
  successCount: number;
  runtimeRuns: Record<string, { runs: number; successes: number }>;
}

/** What the optimizer knows from past runs about a definition. */
export interface OptimizerHistory {
  /**
   * Per step of the definition (same order): cost in USD of comparable COMPLETED attempts,
   * newest first, at most {@link BUDGET_WINDOW}. Comparable = same step name, in a run of the
   * same pattern, on the same model when the step names one.
   */
  stepCostsUsd: number[][];
  /** Stats buckets with the definition's step count, one per pattern that has run. */
  buckets: BucketTally[];
  /** Runtime used when neither the step nor the workflow names one (setting or first available); null if unknown. */
  defaultRuntimeId: string | null;
}

/** History with nothing in it (a fresh install, or a definition never run). */
export function emptyHistory(stepCount: number): OptimizerHistory {
  return { stepCostsUsd: Array.from({ length: stepCount }, () => []), buckets: [], defaultRuntimeId: null };
}

/**
 * Reads a definition's {@link OptimizerHistory}: comparable step costs from `step_runs` (with
 * each run's pattern from `workflow_runs`) and the buckets of its step count from
 * `workflow_execution_stats`. Three queries, whatever the number of steps.
 */
export async function loadOptimizerHistory(
  resources: Pick<EngineResources, 'orm'>,
  definition: WorkflowDefinitionInput,
  options: { defaultRuntimeId?: string | null } = {},
): Promise<OptimizerHistory> {
  const pattern = String(definition.pattern);
  const completed = await loadCompletedSteps(resources, { names: definition.steps.map((s) => s.name) });
  const stepCostsUsd = definition.steps.map((step) =>
    completed
      .filter((h) => h.name === step.name && h.pattern === pattern && (!step.modelId || h.modelId === step.modelId))
      .slice(0, BUDGET_WINDOW)
      .map((h) => h.costUsd),
  );
  const rows = await statsBucketsOfStepCount(resources, definition.steps.length);
  const buckets = rows.map((r) => ({
    pattern: r.pattern,
    stepCount: r.stepCount,
    sampleCount: r.sampleCount,
    successCount: r.successCount,
    runtimeRuns: { ...(r.runtimeRuns ?? {}) },
  }));
  return { stepCostsUsd, buckets, defaultRuntimeId: options.defaultRuntimeId ?? null };
}
