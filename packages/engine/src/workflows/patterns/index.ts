import { assertNever } from '../../errors.js';
import type { WorkflowPattern } from '../definition.js';
import { executeLoop } from './loop.js';
import { executeParallel } from './parallel.js';
import type { PatternContext, PatternOutcome } from './pattern-context.js';
import { executePlannerExecutor } from './planner-executor.js';
import { executeSequence } from './sequence.js';
import { executeSwarm } from './swarm.js';

/** The executor of each pattern. Exhaustive: a new pattern breaks `tsc` until it has one. */
export function executorFor(pattern: WorkflowPattern): (ctx: PatternContext) => Promise<PatternOutcome> {
  switch (pattern) {
    case 'SEQUENCE':
    case 'CHECKPOINT':
      return executeSequence;
    case 'PARALLEL':
      return executeParallel;
    case 'SWARM':
      return executeSwarm;
    case 'LOOP':
      return executeLoop;
    case 'PLANNER_EXECUTOR':
      return executePlannerExecutor;
    default:
      return assertNever(pattern, 'WorkflowPattern');
  }
}
