import { parseDelay } from '../definition-schema.js';
import { withPreviousOutput } from '../prompt-composer.js';
import { endWith, type PatternContext, type PatternOutcome } from './pattern-context.js';

/**
 * SEQUENCE (and CHECKPOINT, which adds gates): steps in order, each receiving the previous
 * step's output. A delay step parks the run; the step after it still receives the output of
 * the last step that produced one.
 */
export async function executeSequence(ctx: PatternContext): Promise<PatternOutcome> {
  let previous: string | null = null;
  for (const step of ctx.definition.steps) {
    if (ctx.signal.aborted) return { kind: 'CANCELLED' };
    const delay = ctx.config.delays?.[step.id];
    if (delay) {
      const waited = await ctx.delay(step, parseDelay(delay)!);
      if (!waited.done) return { kind: 'PAUSED', resumeAt: waited.resumeAt, stepId: step.id };
      continue;
    }
    if (ctx.definition.pattern === 'CHECKPOINT' && ctx.config.checkpoints?.includes(step.id)) {
      if ((await ctx.gate(step)) === 'parked') return { kind: 'WAITING_APPROVAL', stepId: step.id };
    }
    const outcome = await ctx.runStep(step, withPreviousOutput(previous, step.prompt));
    const end = endWith(step.id, outcome);
    if (end) return end;
    if (outcome.status === 'COMPLETED') previous = outcome.output;
  }
  return { kind: 'COMPLETED' };
}
