import { ConflictError } from '../errors.js';
import type { WorkflowRunView } from '../workflows/read-models.js';
import { FiringStatus, type FiringOutcome, type ScheduleExecutor, type ScheduledTaskInput, type ScheduledWorkflowInput } from './schedule-executor.js';

/** The parts of the engine facade a workflow firing uses (the `Engine` class satisfies it). */
export interface ScheduleEngine {
  /** Starts a run; throws a CONFLICT error while a live run exists. */
  executeWorkflow(workflowId: string): Promise<{ run: { id: string } }>;
  /** Resolves when the run's in-process execution settles (completed, failed, cancelled or parked). */
  waitForRun(runId: string): Promise<WorkflowRunView>;
  /** Resumes every delay-parked run whose time has come. Idempotent. */
  resumeDueDelays(): Promise<unknown>;
}

/**
 * Runs one standalone task for a prompt firing on the given runtime and budget (task row kind
 * `SCHEDULE`) and reports its real model turns, e.g. `(input) => scheduledTaskRunner.run(input)`
 * with a `ScheduledTaskRunner` (scheduled-task-runner.ts).
 */
export type StandaloneTaskRunner = (input: ScheduledTaskInput) => Promise<FiringOutcome>;

/**
 * The production {@link ScheduleExecutor}: workflow firings go through the engine's own start
 * path (`executeWorkflow`, the same compare-and-set claim as a user's start), prompt firings
 * through the engine's standalone task runner, and every tick resumes due delays.
 */
export class EngineScheduleExecutor implements ScheduleExecutor {
  constructor(
    private readonly engine: ScheduleEngine,
    private readonly runStandaloneTask: StandaloneTaskRunner,
  ) {}

  runTask(input: ScheduledTaskInput): Promise<FiringOutcome> {
    return this.runStandaloneTask(input);
  }

  /** Starts the workflow and follows the run until it ends or parks; a live previous run means SKIPPED. */
  async runWorkflow(input: ScheduledWorkflowInput): Promise<FiringOutcome> {
    let runId: string;
    try {
      runId = (await this.engine.executeWorkflow(input.workflowId)).run.id;
    } catch (error) {
      if (error instanceof ConflictError) return { status: FiringStatus.SKIPPED, turns: 0, error: error.message };
      throw error;
    }
    return outcomeOfRun(await this.engine.waitForRun(runId));
  }

  resumeDueDelays(): Promise<unknown> {
    return this.engine.resumeDueDelays();
  }
}

/** A settled run as a firing outcome: turns are the sum of the step runs' real model turns. */
export function outcomeOfRun(run: WorkflowRunView): FiringOutcome {
  const turns = run.steps.reduce((sum, step) => sum + step.turns, 0);
  const base = { turns, runId: run.id };
  switch (run.status) {
    case 'COMPLETED':
      return { ...base, status: FiringStatus.COMPLETED };
    case 'FAILED':
      return { ...base, status: FiringStatus.FAILED, failureCategory: run.failureCategory ?? 'UNKNOWN', error: run.error };
    case 'CANCELLED':
      return { ...base, status: FiringStatus.CANCELLED };
    case 'PAUSED':
    case 'WAITING_APPROVAL':
    case 'RUNNING':
      return { ...base, status: FiringStatus.WAITING };
  }
}
