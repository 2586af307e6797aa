import { IllegalTransitionError } from '../errors.js';

/**
 * State of a firing. Only FAILED counts toward a failure streak and only COMPLETED resets it:
 * - `RUNNING`: claimed and started, no result yet;
 * - `COMPLETED`: the task or run finished successfully;
 * - `FAILED`: it failed (with a failure category);
 * - `CANCELLED`: a user cancelled it (says nothing about the schedule's health);
 * - `WAITING`: the workflow run parked itself (a delay step or a checkpoint) and continues under
 *   the engine; the firing's slot is released and its turns so far are recorded;
 * - `SKIPPED`: nothing ran because the previous firing's run is still live (no overlap).
 */
export const FiringStatus = {
  RUNNING: 'RUNNING',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
  WAITING: 'WAITING',
  SKIPPED: 'SKIPPED',
} as const;
export type FiringStatus = (typeof FiringStatus)[keyof typeof FiringStatus];

const allowed: Record<FiringStatus, readonly FiringStatus[]> = {
  RUNNING: ['COMPLETED', 'FAILED', 'CANCELLED', 'WAITING', 'SKIPPED'],
  COMPLETED: [],
  FAILED: [],
  CANCELLED: [],
  WAITING: [],
  SKIPPED: [],
};

/** Whether the table allows `from` → `to`. A firing is born RUNNING and records one result. */
export function canTransitionFiring(from: FiringStatus, to: FiringStatus): boolean {
  return allowed[from].includes(to);
}

/** Returns `to` when allowed, throws {@link IllegalTransitionError} otherwise. */
export function transitionFiring(from: FiringStatus, to: FiringStatus): FiringStatus {
  if (!canTransitionFiring(from, to)) throw new IllegalTransitionError('Firing', from, to);
  return to;
}
