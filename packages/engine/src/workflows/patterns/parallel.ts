import { synthesisPrompt } from '../prompt-composer.js';
import { endWith, mapBounded, type PatternContext, type PatternOutcome } from './pattern-context.js';

/** Branches running at once when the workflow does not say (config.concurrency). */
export const DEFAULT_PARALLEL_CONCURRENCY = 3;

/**
 * PARALLEL: every step but the last is a branch; branches run with bounded concurrency and all
 * finish (a failing branch does not abandon the others). Then the last step synthesises their
 * outputs. Any failed branch fails the run before the synthesis.
 */
export async function executeParallel(ctx: PatternContext): Promise<PatternOutcome> {
  const steps = ctx.definition.steps;
  const branches = steps.slice(0, -1);
  const synthesis = steps.at(-1)!;
  const outcomes = await mapBounded(branches, ctx.config.concurrency ?? DEFAULT_PARALLEL_CONCURRENCY, (b) => ctx.runStep(b, b.prompt));
  if (ctx.signal.aborted || outcomes.some((o) => o.status === 'CANCELLED')) return { kind: 'CANCELLED' };
  const failedIndex = outcomes.findIndex((o) => o.status === 'FAILED');
  if (failedIndex >= 0) return endWith(branches[failedIndex]!.id, outcomes[failedIndex]!)!;
  // Other branches went on meanwhile; the run waits for the tool approvals before it goes further.
  const waitingIndex = outcomes.findIndex((o) => o.status === 'WAITING_APPROVAL' || o.status === 'PAUSED');
  if (waitingIndex >= 0) return endWith(branches[waitingIndex]!.id, outcomes[waitingIndex]!)!;
  const outputs = outcomes.map((o, i) => ({ name: branches[i]!.name, output: o.status === 'COMPLETED' ? o.output : '' }));
  const result = await ctx.runStep(synthesis, synthesisPrompt(outputs, synthesis.prompt));
  return endWith(synthesis.id, result) ?? { kind: 'COMPLETED' };
}
