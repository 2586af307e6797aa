/**
 * The boundary between the scheduler and the engine that does the work. The engine implements
 * {@link ScheduleExecutor}; the scheduler only decides when, and records what came back.
 */

import type { FiringStatus } from './firing-state.js';

export { FiringStatus } from './firing-state.js';

/** What one firing produced, read from the task / run rows the engine wrote. */
export interface FiringOutcome {
  status: Exclude<FiringStatus, 'RUNNING'>;
  /** Real model turns of the task (the task row's `turns`, summed over a run's tasks), never log-row counts. */
  turns: number;
  /** A `FailureCategory` (e.g. `TURN_LIMIT`, `TIMEOUT`) when FAILED; decided by the engine at the source. */
  failureCategory?: string | null;
  /** Human-readable failure message when FAILED. */
  error?: string | null;
  taskId?: string | null;
  runId?: string | null;
}

/** A prompt firing: runs one standalone task. */
export interface ScheduledTaskInput {
  scheduleId: string;
  /** The firing row's id (for the engine's logs and events). */
  firingId: string;
  prompt: string;
  /** The schedule's own runtime; null means the engine's normal resolution (setting, then first available). */
  runtimeId: string | null;
  /** The schedule's own per-firing budget in USD; null means the engine's standalone-task default. */
  budgetUsd: number | null;
  /** Aborted when the scheduler stops with `abortRunning` (process shutdown): end the task as CANCELLED. */
  signal: AbortSignal;
}

/**
 * A workflow firing: starts a run of a stored workflow, on the runtimes and budgets its
 * definition resolves (a workflow schedule cannot override them; create rejects that).
 */
export interface ScheduledWorkflowInput {
  scheduleId: string;
  firingId: string;
  workflowId: string;
  /** Aborted when the scheduler stops with `abortRunning`; the engine's own shutdown cancels live runs. */
  signal: AbortSignal;
}

/**
 * What the scheduler needs from the engine. Each run method resolves when the work has finished
 * (or failed) with its {@link FiringOutcome}; throwing counts as a FAILED firing with category
 * UNKNOWN and the error's message.
 */
export interface ScheduleExecutor {
  runTask(input: ScheduledTaskInput): Promise<FiringOutcome>;
  runWorkflow(input: ScheduledWorkflowInput): Promise<FiringOutcome>;
  /**
   * Resumes workflow runs whose delay step is due at `now` (epoch ms); called once per tick so a
   * delayed step resumes on time. Must be idempotent: two processes may call it for the same run.
   */
  resumeDueDelays?(now: number): Promise<unknown>;
}
