import { IllegalTransitionError } from '../errors.js';

/**
 * Status of one task (a `tasks` row: one agent execution, of a step attempt or a schedule firing).
 * - `RUNNING`: its row exists and its runtime is executing it (a task is born RUNNING).
 * - `COMPLETED`: the runtime finished with output.
 * - `FAILED`: it ended with a failure category (the runtime's, a cap's, or CRASHED with its process).
 * - `CANCELLED`: its run was cancelled; live provider calls were aborted.
 * - `PAUSED`: a cap was reached with setting budget.onCapReached = pause; it stopped after that
 *   turn and its step goes on from the journal in a new task when resumed with a higher cap.
 * - `WAITING_APPROVAL`: it stopped after a turn whose tool calls wait for a person; its step
 *   goes on from the stored checkpoint in a new task once they are resolved.
 */
export const TaskStatus = {
  RUNNING: 'RUNNING',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
  WAITING_APPROVAL: 'WAITING_APPROVAL',
  PAUSED: 'PAUSED',
} as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

const allowed: Record<TaskStatus, readonly TaskStatus[]> = {
  RUNNING: ['COMPLETED', 'FAILED', 'CANCELLED', 'WAITING_APPROVAL', 'PAUSED'],
  COMPLETED: [],
  WAITING_APPROVAL: [],
  PAUSED: [],
  FAILED: [],
  CANCELLED: [],
};

/** Whether the table allows `from` → `to`. */
export function canTransitionTask(from: TaskStatus, to: TaskStatus): boolean {
  return allowed[from].includes(to);
}

/** Returns `to` when allowed, throws {@link IllegalTransitionError} otherwise. */
export function transitionTask(from: TaskStatus, to: TaskStatus): TaskStatus {
  if (!canTransitionTask(from, to)) throw new IllegalTransitionError('Task', from, to);
  return to;
}
