/** Default cap for one workflow step attempt when nothing else sets one, USD. */
export const WORKFLOW_STEP_DEFAULT_CAP_USD = 5;
/** Default cap for a standalone task (e.g. a schedule firing without a workflow), USD. */
export const STANDALONE_TASK_DEFAULT_CAP_USD = 2;

/** Where a resolved cap came from. */
export type CapSource = 'step' | 'workflow' | 'setting' | 'default';

/**
 * The one cost-cap resolver for every call path (steps of every pattern, loop iterations,
 * retries, schedule firings): step > workflow > setting `budget.maxCostPerTaskUsd` > default
 * ($5 for workflow steps, $2 for standalone tasks). Non-positive values are ignored.
 */
export function resolveCostCap(input: {
  stepBudgetUsd?: number | null;
  workflowBudgetUsd?: number | null;
  settingBudgetUsd?: number | null;
  kind: 'workflow-step' | 'standalone';
}): { capUsd: number; source: CapSource } {
  const positive = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (positive(input.stepBudgetUsd)) return { capUsd: input.stepBudgetUsd, source: 'step' };
  if (positive(input.workflowBudgetUsd)) return { capUsd: input.workflowBudgetUsd, source: 'workflow' };
  if (positive(input.settingBudgetUsd)) return { capUsd: input.settingBudgetUsd, source: 'setting' };
  return { capUsd: input.kind === 'workflow-step' ? WORKFLOW_STEP_DEFAULT_CAP_USD : STANDALONE_TASK_DEFAULT_CAP_USD, source: 'default' };
}
