import type { WorkflowPattern } from './definition.js';

// Dependency-free on purpose: the dashboard imports it as `@stagent/engine/pattern-shape` so its
// graph offers to add or remove a step only where validation would accept the result.

/** How many steps a pattern takes, inclusive; `max: null` leaves only the definition's limit (MAX_STEPS). */
export interface StepCount {
  min: number;
  max: number | null;
}

/** The step counts `validateWorkflowInput` accepts, per pattern. */
export const PATTERN_STEP_COUNTS: Readonly<Record<WorkflowPattern, StepCount>> = {
  SEQUENCE: { min: 1, max: null },
  CHECKPOINT: { min: 1, max: null },
  // 2-5 branches, then the synthesis.
  PARALLEL: { min: 3, max: 6 },
  // The loop repeats its one step (its prompt is the iteration template).
  LOOP: { min: 1, max: 1 },
  // A planner, 2-5 workers, a refinery.
  SWARM: { min: 4, max: 7 },
  // A planner and at least one executor.
  PLANNER_EXECUTOR: { min: 2, max: null },
};

/** Whether `count` steps fit the pattern's shape. */
export function fitsPattern(pattern: WorkflowPattern, count: number): boolean {
  const { min, max } = PATTERN_STEP_COUNTS[pattern];
  return count >= min && (max === null || count <= max);
}
