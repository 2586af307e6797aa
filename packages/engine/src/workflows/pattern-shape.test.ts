import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '../testing/index.js';
import { ValidationError } from '../errors.js';
import { WorkflowPattern } from './definition.js';
import { fitsPattern, PATTERN_STEP_COUNTS } from './pattern-shape.js';

let t: TestEngine;
beforeAll(async () => {
  t = await createTestEngine();
});
afterAll(() => t.close());

/** Whether creating a workflow of this pattern with `n` steps is refused on `steps`. */
async function refusedOnSteps(pattern: WorkflowPattern, n: number): Promise<boolean> {
  const input = {
    name: `${pattern} with ${n} steps`,
    pattern,
    runtimeId: 'simulated',
    steps: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, name: `Step ${i + 1}`, prompt: 'Do it.' })),
    ...(pattern === 'LOOP' ? { config: { maxIterations: 2 } } : {}),
  };
  try {
    await t.engine.createWorkflow(input as never);
    return false;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.some((i) => i.field?.join('.') === 'steps');
  }
}

describe('PATTERN_STEP_COUNTS', () => {
  it('holds the shapes the contract describes (WorkflowPattern)', () => {
    expect(PATTERN_STEP_COUNTS).toEqual({
      SEQUENCE: { min: 1, max: null },
      CHECKPOINT: { min: 1, max: null },
      PARALLEL: { min: 3, max: 6 }, // 2-5 branches and a synthesis
      LOOP: { min: 1, max: 1 },
      SWARM: { min: 4, max: 7 }, // a planner, 2-5 workers, a refinery
      PLANNER_EXECUTOR: { min: 2, max: null },
    });
  });

  it('is what validation accepts: each bound passes and one step beyond it is refused on `steps`', async () => {
    for (const pattern of Object.values(WorkflowPattern)) {
      const { min, max } = PATTERN_STEP_COUNTS[pattern];
      const counts = [min, min - 1, ...(max === null ? [min + 3] : [max, max + 1])].filter((n) => n >= 1);
      for (const n of counts) {
        expect({ pattern, n, refused: await refusedOnSteps(pattern, n) }).toEqual({ pattern, n, refused: !fitsPattern(pattern, n) });
      }
    }
  });
});
