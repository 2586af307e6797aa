import { IllegalTransitionError } from '../errors.js';

/**
 * Status of one workflow run.
 * - `RUNNING`: executing in the process named by the run's lease owner; heartbeats keep it alive.
 * - `PAUSED`: parked on a delay step until its resume time (`resumeAt`), or on a step that reached
 *   a cap (`resumeAt` null) until `resumeWorkflowStep`; needs no process.
 * - `WAITING_APPROVAL`: parked before a checkpoint gate until `resolveCheckpoint`; needs no process.
 * - `COMPLETED`: every step completed.
 * - `FAILED`: a step failed, the run crashed (its process exited or its lease expired), or a checkpoint was rejected.
 * - `CANCELLED`: cancelled by a user; live provider calls were aborted.
 *
 * A FAILED run becomes RUNNING again when one of its steps is retried.
 */
export const RunStatus = {
  RUNNING: 'RUNNING',
  PAUSED: 'PAUSED',
  WAITING_APPROVAL: 'WAITING_APPROVAL',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

const allowed: Record<RunStatus, readonly RunStatus[]> = {
  RUNNING: ['PAUSED', 'WAITING_APPROVAL', 'COMPLETED', 'FAILED', 'CANCELLED'],
  PAUSED: ['RUNNING', 'CANCELLED', 'FAILED'],
  WAITING_APPROVAL: ['RUNNING', 'FAILED', 'CANCELLED'],
  COMPLETED: [],
  FAILED: ['RUNNING'],
  CANCELLED: [],
};

/** Whether the table allows `from` → `to`. */
export function canTransitionRun(from: RunStatus, to: RunStatus): boolean {
  return allowed[from].includes(to);
}

/** Returns `to` when allowed, throws {@link IllegalTransitionError} otherwise. */
export function transitionRun(from: RunStatus, to: RunStatus): RunStatus {
  if (!canTransitionRun(from, to)) throw new IllegalTransitionError('Run', from, to);
  return to;
}

/** The run will not change again by itself (a FAILED run may still be retried by a user). */
export function isTerminalRun(status: RunStatus): boolean {
  return status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED';
}

/** The run occupies a process (and so holds a lease). */
export function isLiveRun(status: RunStatus): boolean {
  return status === 'RUNNING';
}

/** The run is parked and waits for time or a person, not for a process. */
export function isParkedRun(status: RunStatus): boolean {
  return status === 'PAUSED' || status === 'WAITING_APPROVAL';
}
