import { withPlan } from '../prompt-composer.js';
import { endWith, type PatternContext, type PatternOutcome } from './pattern-context.js';

/** PLANNER_EXECUTOR: the first step plans; every later step runs in order with the plan in its prompt. */
export async function executePlannerExecutor(ctx: PatternContext): Promise<PatternOutcome> {
  const [planner, ...executors] = ctx.definition.steps;
  const planned = await ctx.runStep(planner!, planner!.prompt);
  const end = endWith(planner!.id, planned);
  if (end || planned.status !== 'COMPLETED') return end ?? { kind: 'CANCELLED' };
  for (const step of executors) {
    if (ctx.signal.aborted) return { kind: 'CANCELLED' };
    const outcome = await ctx.runStep(step, withPlan(planned.output, step.prompt));
    const stop = endWith(step.id, outcome);
    if (stop) return stop;
  }
  return { kind: 'COMPLETED' };
}
