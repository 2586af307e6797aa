import { FiringStatus, type FiringOutcome, type ScheduleExecutor, type ScheduledTaskInput, type ScheduledWorkflowInput } from '../schedule-executor.js';

/** One call the scheduler made, and how to finish it when runs are held. */
export interface ScriptedRun {
  input: ScheduledTaskInput | ScheduledWorkflowInput;
  kind: 'task' | 'workflow';
  /** Set once the run has been finished. */
  outcome: FiringOutcome | null;
  finish(outcome?: FiringOutcome): void;
}

/** The outcome every run gets when no script entry is left: success in four turns. */
export const DEFAULT_OUTCOME: FiringOutcome = { status: FiringStatus.COMPLETED, turns: 4 };

/**
 * A {@link ScheduleExecutor} for scheduler tests that stands where the engine would: it records
 * each call, answers with scripted outcomes, and can hold runs open so a test can observe
 * firings in progress (concurrency) before finishing them. It does no work and never sleeps.
 */
export class ScriptedExecutor implements ScheduleExecutor {
  readonly runs: ScriptedRun[] = [];
  private readonly script: FiringOutcome[] = [];
  /** When true, runs stay open until {@link ScriptedRun.finish} or {@link ScriptedExecutor.finishAll}. */
  hold = false;

  constructor(options: { hold?: boolean } = {}) {
    this.hold = options.hold ?? false;
  }

  /** Queues outcomes for the next runs, in order. */
  enqueue(...outcomes: FiringOutcome[]): this {
    this.script.push(...outcomes);
    return this;
  }

  runTask(input: ScheduledTaskInput): Promise<FiringOutcome> {
    return this.start(input, 'task');
  }

  runWorkflow(input: ScheduledWorkflowInput): Promise<FiringOutcome> {
    return this.start(input, 'workflow');
  }

  /** Runs started but not finished yet. */
  get open(): ScriptedRun[] {
    return this.runs.filter((r) => r.outcome === null);
  }

  /** Finishes every open run with its scripted (or the given) outcome. */
  finishAll(outcome?: FiringOutcome): void {
    for (const run of this.open) run.finish(outcome);
  }

  private start(input: ScheduledTaskInput | ScheduledWorkflowInput, kind: 'task' | 'workflow'): Promise<FiringOutcome> {
    const scripted = this.script.shift();
    return new Promise<FiringOutcome>((resolve) => {
      const run: ScriptedRun = {
        input,
        kind,
        outcome: null,
        finish: (outcome) => {
          if (run.outcome) return;
          input.signal.removeEventListener('abort', onAbort);
          run.outcome = outcome ?? scripted ?? DEFAULT_OUTCOME;
          resolve(run.outcome);
        },
      };
      this.runs.push(run);
      // Like the engine, an aborted run ends CANCELLED.
      const onAbort = () => run.finish({ status: FiringStatus.CANCELLED, turns: 0 });
      input.signal.addEventListener('abort', onAbort, { once: true });
      if (!this.hold) run.finish();
    });
  }
}
