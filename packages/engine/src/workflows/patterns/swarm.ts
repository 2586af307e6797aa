import { refineryPrompt, swarmWorkerPrompt } from '../prompt-composer.js';
import { endWith, mapBounded, type PatternContext, type PatternOutcome } from './pattern-context.js';

/** Workers running at once when the workflow does not say (config.concurrency). */
export const DEFAULT_SWARM_CONCURRENCY = 2;

/**
 * SWARM: the first step (planner) assigns work; the middle steps (2-5 workers) run with bounded
 * concurrency, each seeing the plan and its own assignment; the last step (refinery) merges
 * the plan and every worker's output. Any failed worker fails the run before the refinery.
 */
export async function executeSwarm(ctx: PatternContext): Promise<PatternOutcome> {
  const steps = ctx.definition.steps;
  const planner = steps[0]!;
  const workers = steps.slice(1, -1);
  const refinery = steps.at(-1)!;
  const planned = await ctx.runStep(planner, planner.prompt);
  const end = endWith(planner.id, planned);
  if (end || planned.status !== 'COMPLETED') return end ?? { kind: 'CANCELLED' };
  const limit = Math.min(ctx.config.concurrency ?? DEFAULT_SWARM_CONCURRENCY, workers.length);
  const outcomes = await mapBounded(workers, limit, (w) => ctx.runStep(w, swarmWorkerPrompt(planner.name, planned.output, w.name, w.prompt)));
  if (ctx.signal.aborted || outcomes.some((o) => o.status === 'CANCELLED')) return { kind: 'CANCELLED' };
  const failedIndex = outcomes.findIndex((o) => o.status === 'FAILED');
  if (failedIndex >= 0) return endWith(workers[failedIndex]!.id, outcomes[failedIndex]!)!;
  // Other workers went on meanwhile; the run waits for the tool approvals before it goes further.
  const waitingIndex = outcomes.findIndex((o) => o.status === 'WAITING_APPROVAL' || o.status === 'PAUSED');
  if (waitingIndex >= 0) return endWith(workers[waitingIndex]!.id, outcomes[waitingIndex]!)!;
  const outputs = outcomes.map((o, i) => ({ name: workers[i]!.name, output: o.status === 'COMPLETED' ? o.output : '' }));
  const merged = await ctx.runStep(refinery, refineryPrompt(planner.name, planned.output, outputs, refinery.prompt));
  return endWith(refinery.id, merged) ?? { kind: 'COMPLETED' };
}
