import { IllegalTransitionError } from '../errors.js';

/**
 * Status of one step attempt (a `step_runs` row).
 * - `PENDING`: not started in this run yet.
 * - `RUNNING`: its task row exists and the runtime is executing it.
 * - `WAITING_APPROVAL`: a checkpoint gate before this step waits for `resolveCheckpoint`, or
 *   (from RUNNING) a tool call of its last turn waits for `resolveToolCall`; its journal keeps the turn.
 * - `DELAYED`: a delay step waiting for its resume time.
 * - `PAUSED`: a cap was reached (setting budget.onCapReached = pause); its journal keeps the turn,
 *   and `resumeWorkflowStep` goes on from there with a higher cap.
 * - `COMPLETED`: finished with output (a delay step: its time has passed).
 * - `FAILED`: the attempt failed with a failure category; a retry adds a new attempt.
 * - `SKIPPED`: never ran because an earlier step failed or the loop stopped before it.
 * - `CANCELLED`: the run was cancelled while this step was pending or running.
 */
export const StepStatus = {
  PENDING: 'PENDING',
  RUNNING: 'RUNNING',
  WAITING_APPROVAL: 'WAITING_APPROVAL',
  DELAYED: 'DELAYED',
  PAUSED: 'PAUSED',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  SKIPPED: 'SKIPPED',
  CANCELLED: 'CANCELLED',
} as const;
export type StepStatus = (typeof StepStatus)[keyof typeof StepStatus];

const allowed: Record<StepStatus, readonly StepStatus[]> = {
  PENDING: ['RUNNING', 'WAITING_APPROVAL', 'DELAYED', 'COMPLETED', 'FAILED', 'SKIPPED', 'CANCELLED'],
  RUNNING: ['COMPLETED', 'FAILED', 'CANCELLED', 'WAITING_APPROVAL', 'PAUSED'],
  WAITING_APPROVAL: ['PENDING', 'RUNNING', 'FAILED', 'CANCELLED'],
  DELAYED: ['COMPLETED', 'FAILED', 'CANCELLED'],
  PAUSED: ['RUNNING', 'FAILED', 'CANCELLED'],
  COMPLETED: [],
  FAILED: [],
  SKIPPED: [],
  CANCELLED: [],
};

/** Whether the table allows `from` → `to`. */
export function canTransitionStep(from: StepStatus, to: StepStatus): boolean {
  return allowed[from].includes(to);
}

/** Returns `to` when allowed, throws {@link IllegalTransitionError} otherwise. */
export function transitionStep(from: StepStatus, to: StepStatus): StepStatus {
  if (!canTransitionStep(from, to)) throw new IllegalTransitionError('Step', from, to);
  return to;
}

/** The attempt has ended; a new attempt row is needed to run the step again. */
export function isTerminalStep(status: StepStatus): boolean {
  return status === 'COMPLETED' || status === 'FAILED' || status === 'SKIPPED' || status === 'CANCELLED';
}
