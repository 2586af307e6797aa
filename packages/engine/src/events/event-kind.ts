/**
 * Kinds of workflow events (contract `WorkflowEventKind`).
 * - `RUN_STARTED`: a run was claimed and began (or resumed after approval, delay or retry).
 * - `STEP_STARTED`: a step's task exists and the step is RUNNING.
 * - `STEP_OUTPUT_DELTA`: streamed output text, coalesced to about ten events a second per step.
 * - `TOOL_STARTED` / `TOOL_FINISHED`: the agent called a tool / got its result.
 * - `TOOL_APPROVAL_REQUESTED` / `TOOL_APPROVAL_RESOLVED`: a call waits for a person (its step and
 *   run wait) / a person approved or denied it.
 * - `USAGE`: one model call finished; carries tokens and cost.
 * - `COST_WARNING`: spend crossed 80 % of a cap, or a cap could not be enforced (unknown price).
 * - `STEP_WAITING_APPROVAL`: a checkpoint gate waits for a decision.
 * - `STEP_COMPLETED` / `STEP_FAILED`: a step attempt ended.
 * - `STEP_CANCELLED`: a step attempt was cancelled with its run (not a failure).
 * - `STEP_PAUSED` / `STEP_RESUMED`: a cap stopped a step where it stands (setting
 *   budget.onCapReached = pause) / `resumeWorkflowStep` let it go on from its journal.
 * - `STEP_DELAYED`: a delay step parked the run until its resume time.
 * - `CALL_RETRIED`: a model call failed with a retryable error and is retried after a backoff.
 * - `RUN_PAUSED`: the run parked (checkpoint or delay).
 * - `RUN_COMPLETED` / `RUN_FAILED` / `RUN_CANCELLED`: the run ended.
 */
export const WorkflowEventKind = {
  RUN_STARTED: 'RUN_STARTED',
  STEP_STARTED: 'STEP_STARTED',
  STEP_OUTPUT_DELTA: 'STEP_OUTPUT_DELTA',
  TOOL_STARTED: 'TOOL_STARTED',
  TOOL_FINISHED: 'TOOL_FINISHED',
  TOOL_APPROVAL_REQUESTED: 'TOOL_APPROVAL_REQUESTED',
  TOOL_APPROVAL_RESOLVED: 'TOOL_APPROVAL_RESOLVED',
  USAGE: 'USAGE',
  COST_WARNING: 'COST_WARNING',
  STEP_WAITING_APPROVAL: 'STEP_WAITING_APPROVAL',
  STEP_COMPLETED: 'STEP_COMPLETED',
  STEP_FAILED: 'STEP_FAILED',
  STEP_CANCELLED: 'STEP_CANCELLED',
  STEP_DELAYED: 'STEP_DELAYED',
  STEP_PAUSED: 'STEP_PAUSED',
  STEP_RESUMED: 'STEP_RESUMED',
  CALL_RETRIED: 'CALL_RETRIED',
  RUN_PAUSED: 'RUN_PAUSED',
  RUN_COMPLETED: 'RUN_COMPLETED',
  RUN_FAILED: 'RUN_FAILED',
  RUN_CANCELLED: 'RUN_CANCELLED',
} as const;
export type WorkflowEventKind = (typeof WorkflowEventKind)[keyof typeof WorkflowEventKind];
