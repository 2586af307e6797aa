import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotApplicableError } from '../errors.js';
import { createTestEngine, type TestEngine } from '../testing/index.js';
import { MAX_STEPS } from '../workflows/definition-schema.js';
import { splitBlocker } from './step-split.js';

let t: TestEngine;
beforeAll(async () => {
  t = await createTestEngine();
});
afterAll(() => t.close());

/** A SEQUENCE of `n` steps whose prompts have two sentences (so each can be split). */
const sequence = (n: number) => ({
  name: `${n} steps`,
  pattern: 'SEQUENCE' as const,
  runtimeId: 'simulated',
  steps: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, name: `Step ${i}`, prompt: `Gather part ${i}. Then summarise it.` })),
});

describe('splitting a step stays within the definition limits', () => {
  it('splits a step of a 60-step workflow, which the definition schema accepts', async () => {
    const workflow = await t.engine.createWorkflow(sequence(60));
    expect(splitBlocker(sequence(60), 's7')).toBeNull();
    const split = await t.engine.applySuggestion(workflow.id, { type: 'SPLIT_STEP', payload: { stepId: 's7' } });
    expect(split.steps).toHaveLength(61);
    expect(split.steps.slice(7, 9).map((s) => [s.id, s.name, s.prompt])).toEqual([
      ['s7', 'Step 7 (part 1)', 'Gather part 7.'],
      ['s7-part2', 'Step 7 (part 2)', 'Then summarise it.'],
    ]);
  });

  it('refuses at the most steps a definition may hold, and says why', async () => {
    const workflow = await t.engine.createWorkflow(sequence(MAX_STEPS));
    const refused = await t.engine.applySuggestion(workflow.id, { type: 'SPLIT_STEP', payload: { stepId: 's0' } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotApplicableError);
    expect((refused as NotApplicableError).message).toBe(`The workflow already has ${MAX_STEPS} steps, the most a definition may hold.`);
    expect((await t.engine.getWorkflow(workflow.id))!.steps).toHaveLength(MAX_STEPS);
  });
});
