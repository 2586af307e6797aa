import { loopIterationPrompt } from '../prompt-composer.js';
import { endWith, type PatternContext, type PatternOutcome } from './pattern-context.js';

/** Phrase that ends a loop when none is configured. */
export const DEFAULT_COMPLETION_SIGNAL = 'LOOP_COMPLETE';

/** Why a loop stopped. */
export type LoopStopReason = 'max_iterations' | 'time_budget' | 'agent_signaled' | 'error' | 'cancelled';

/**
 * LOOP: the single step's prompt repeats, each iteration seeing the previous iteration's output,
 * until `maxIterations`, the time budget (checked between iterations), or the agent signals it
 * is done (a configured phrase in its output, or the `finish` tool). A failed iteration fails
 * the run (retrying it continues the loop from there).
 */
export async function executeLoop(ctx: PatternContext): Promise<PatternOutcome> {
  const step = ctx.definition.steps[0]!;
  const max = ctx.config.maxIterations ?? 1;
  const signals = ctx.config.completionSignals?.length ? ctx.config.completionSignals : [DEFAULT_COMPLETION_SIGNAL];
  let previous: string | null = null;
  for (let iteration = 1; iteration <= max; iteration++) {
    if (ctx.signal.aborted) return { kind: 'CANCELLED' };
    const startedAt = ctx.loopStartedAt(step.id);
    const fresh = iteration > ctx.lastIteration(step.id);
    if (fresh && startedAt !== null && ctx.config.timeBudgetMs !== undefined && ctx.now() - startedAt >= ctx.config.timeBudgetMs) break;
    const outcome = await ctx.runStep(step, loopIterationPrompt(iteration, max, previous, step.prompt, signals), { iteration, canFinish: true });
    const end = endWith(step.id, outcome);
    if (end) return end;
    if (outcome.status !== 'COMPLETED') break;
    previous = outcome.output;
    const lower = outcome.output.toLowerCase();
    if (signals.some((s) => lower.includes(s.toLowerCase())) || outcome.signaledDone) break;
  }
  return { kind: 'COMPLETED' };
}
