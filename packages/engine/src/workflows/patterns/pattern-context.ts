import type { PatternConfig, StepDefinition, WorkflowDefinition } from '../definition.js';
import type { StepOutcome } from '../step-runner.js';

/** How a pattern executor ended this drive of the run. */
export type PatternOutcome =
  | { kind: 'COMPLETED' }
  | { kind: 'FAILED'; stepId: string; category: string; error: string }
  | { kind: 'CANCELLED' }
  /** A delay (resumeAt: when it ends) or a cap that paused a step (resumeAt null: resumeWorkflowStep). */
  | { kind: 'PAUSED'; resumeAt: number | null; stepId: string }
  | { kind: 'WAITING_APPROVAL'; stepId: string };

/**
 * What a pattern executor may do. Executors are resumable: `runStep` returns the stored output
 * of a step that already COMPLETED in this run (no runtime call, nobody pays twice), so the same
 * executor continues a run after an approval, a delay, a retry or a crash.
 */
export interface PatternContext {
  definition: WorkflowDefinition;
  config: PatternConfig;
  signal: AbortSignal;
  now(): number;
  /** Runs (or reuses) a step attempt with the composed prompt; loops pass their iteration (1-based). */
  runStep(step: StepDefinition, prompt: string, options?: { iteration?: number; canFinish?: boolean }): Promise<StepOutcome>;
  /** The stored output of a completed step (iteration 0), if any. */
  outputOf(stepId: string, iteration?: number): string | null;
  /** Checkpoint gate before `step`: 'approved' when a reviewer approved it, else parks it (WAITING_APPROVAL). */
  gate(step: StepDefinition): Promise<'approved' | 'parked'>;
  /** Delay step: 'done' when its time has passed, else parks it until `resumeAt`. */
  delay(step: StepDefinition, ms: number): Promise<{ done: true } | { done: false; resumeAt: number }>;
  /** Highest loop iteration that has a row in this run (0 when none). */
  lastIteration(stepId: string): number;
  /** When the loop's first iteration started, epoch ms (for the time budget). */
  loopStartedAt(stepId: string): number | null;
}

/** Converts a failed/cancelled step outcome into the pattern outcome that ends the run. */
export function endWith(stepId: string, outcome: StepOutcome): PatternOutcome | null {
  if (outcome.status === 'COMPLETED') return null;
  if (outcome.status === 'CANCELLED') return { kind: 'CANCELLED' };
  if (outcome.status === 'WAITING_APPROVAL') return { kind: 'WAITING_APPROVAL', stepId };
  if (outcome.status === 'PAUSED') return { kind: 'PAUSED', resumeAt: null, stepId };
  return { kind: 'FAILED', stepId, category: outcome.category, error: outcome.error };
}

/** Runs `work` over items with at most `limit` at once; waits for all (never rejects early). */
export async function mapBounded<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  });
  await Promise.all(lanes);
  return results;
}
