import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, threeStepSequence, type TestEngine } from '@stagent/engine/testing';
import { toDefinitionInput } from '../../src/intelligence/apply-suggestion.js';

let t: TestEngine;
beforeEach(async () => {
  t = await createTestEngine();
});
afterEach(() => t.close());

describe('optimizer and execution stats through the engine', () => {
  it('DOCUMENT_BINDING: suggested from document relevance, applied to the stored bindings, then gone', async () => {
    const pricing = await t.engine.createDocument({
      name: 'pricing-sheet.md',
      mimeType: 'text/markdown',
      content: 'Tier prices per seat, volume discounts, annual billing.',
    });
    const style = await t.engine.createDocument({
      name: 'style-guide.md',
      mimeType: 'text/markdown',
      content: 'Voice and tone, headings, punctuation, plain words.',
    });
    const wf = await t.engine.createWorkflow({
      name: 'Proposal',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      documentIds: [pricing.id, style.id],
      steps: [
        { id: 'quote', name: 'Quote', prompt: 'Compute the volume discounts from the pricing sheet.' },
        { id: 'tone', name: 'Tone', prompt: 'Rewrite the quote in the voice and tone of the style guide.' },
      ],
    });
    const before = await t.engine.optimizeWorkflow(toDefinitionInput(wf), wf.id);
    const binding = before.find((s) => s.kind === 'DOCUMENT_BINDING')!;
    expect(binding.title).toBe('Bind documents per step: 2 fewer document injections');

    const updated = await t.engine.applySuggestion(wf.id, binding.action!);
    expect(updated.documents.filter((d) => d.stepId === null)).toEqual([]);
    expect(updated.documents.map((d) => [d.documentId, d.stepId]).sort()).toEqual(
      [
        [pricing.id, 'quote'],
        [style.id, 'tone'],
      ].sort(),
    );
    const after = await t.engine.optimizeWorkflow(toDefinitionInput(updated), wf.id);
    expect(after.map((s) => s.kind)).not.toContain('DOCUMENT_BINDING');
  });

  it('execution stats after three runs, one failed: means, success rate, failures, runtime success rate', async () => {
    const wf = await t.engine.createWorkflow(threeStepSequence());
    t.engine.simulated.script({
      match: (r) => r.prompt.endsWith('do part 3 of the work.'),
      times: 1,
      script: { failAt: { turn: 1, category: 'RATE_LIMITED' } },
    });
    const runs = [];
    for (let i = 0; i < 3; i += 1) runs.push(await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id));
    expect(runs.map((r) => r.status)).toEqual(['FAILED', 'COMPLETED', 'COMPLETED']);

    const [stats] = await t.engine.executionStats();
    expect(stats).toMatchObject({ pattern: 'SEQUENCE', stepCount: 3, sampleCount: 3, commonFailures: { RATE_LIMITED: 1 } });
    expect(stats!.successRate).toBeCloseTo(2 / 3, 12);
    expect(stats!.runtimeSuccessRates.simulated).toBeCloseTo(2 / 3, 12);
    // Mean cost per step = mean over runs of (run cost / 3), computed from the stored runs.
    const expected = runs.reduce((sum, r) => sum + r.steps.reduce((a, s) => a + s.costUsd, 0) / 3, 0) / 3;
    expect(stats!.avgCostPerStepUsd).toBeCloseTo(expected, 9);
  });
});
