import { IllegalTransitionError } from '../errors.js';
import type { RunStatus } from './run-state.js';

/**
 * Status of a workflow as a whole, mirroring its latest run.
 * - `DRAFT`: created or edited, never run since.
 * - `ACTIVE`: a run is executing in some process (its lease says which, and whether it is alive).
 * - `PAUSED`: the latest run is parked: waiting for a checkpoint decision or for a delay to pass.
 * - `COMPLETED` / `FAILED` / `CANCELLED`: the latest run ended that way.
 */
export const WorkflowStatus = {
  DRAFT: 'DRAFT',
  ACTIVE: 'ACTIVE',
  PAUSED: 'PAUSED',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
} as const;
export type WorkflowStatus = (typeof WorkflowStatus)[keyof typeof WorkflowStatus];

const allowed: Record<WorkflowStatus, readonly WorkflowStatus[]> = {
  DRAFT: ['ACTIVE'],
  ACTIVE: ['PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED', 'ACTIVE'],
  PAUSED: ['ACTIVE', 'CANCELLED', 'FAILED'],
  COMPLETED: ['ACTIVE', 'DRAFT'],
  FAILED: ['ACTIVE', 'DRAFT'],
  CANCELLED: ['ACTIVE', 'DRAFT'],
};

/** Statuses from which a new run may be claimed without looking at leases. */
export const STARTABLE_WORKFLOW_STATUSES: readonly WorkflowStatus[] = ['DRAFT', 'COMPLETED', 'FAILED', 'CANCELLED'];

/** Whether the table allows `from` → `to`. `ACTIVE` → `ACTIVE` is the re-claim of a crashed run. */
export function canTransitionWorkflow(from: WorkflowStatus, to: WorkflowStatus): boolean {
  return allowed[from].includes(to);
}

/** Returns `to` when the move is allowed, throws {@link IllegalTransitionError} otherwise. */
export function transitionWorkflow(from: WorkflowStatus, to: WorkflowStatus): WorkflowStatus {
  if (!canTransitionWorkflow(from, to)) throw new IllegalTransitionError('Workflow', from, to);
  return to;
}

/** The workflow status that mirrors a run status. */
export function workflowStatusForRun(run: RunStatus): WorkflowStatus {
  switch (run) {
    case 'RUNNING':
      return 'ACTIVE';
    case 'PAUSED':
    case 'WAITING_APPROVAL':
      return 'PAUSED';
    case 'COMPLETED':
      return 'COMPLETED';
    case 'FAILED':
      return 'FAILED';
    case 'CANCELLED':
      return 'CANCELLED';
  }
}
