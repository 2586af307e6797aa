import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '@stagent/engine/testing';
import { resolveCostCap } from '../../src/budget/cap-resolver.js';

let t: TestEngine;
beforeEach(async () => {
  t = await createTestEngine();
});
afterEach(() => t.close());

describe('document context', () => {
  it('global documents reach every step; step-scoped ones only their step', async () => {
    const doc = (name: string, content: string) => t.engine.createDocument({ name, mimeType: 'text/markdown', content });
    const global = await doc('Global brief.md', 'GLOBAL-MARKER shared context');
    const onlyA = await doc('A notes.md', 'A-ONLY-MARKER');
    const onlyB = await doc('B notes.md', 'B-ONLY-MARKER');
    const wf = await t.engine.createWorkflow({
      name: 'docs',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      documentIds: [global.id],
      steps: [
        { id: 'a', name: 'A', prompt: 'Step A.', documentIds: [onlyA.id] },
        { id: 'b', name: 'B', prompt: 'Step B.', documentIds: [onlyB.id] },
        { id: 'c', name: 'C', prompt: 'Step C.' },
      ],
    });
    expect(wf.steps.map((s) => s.documentIds)).toEqual([[onlyA.id], [onlyB.id], []]);
    await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    const own = (instruction: string) => t.engine.simulated.calls.find((c) => c.prompt.endsWith(instruction))!.prompt.split('--- End of documents ---')[0]!;
    expect(own('Step A.')).toContain('A-ONLY-MARKER');
    expect(own('Step A.')).not.toContain('B-ONLY-MARKER');
    expect(own('Step B.')).toContain('B-ONLY-MARKER');
    expect(own('Step B.')).not.toContain('A-ONLY-MARKER');
    for (const s of ['Step A.', 'Step B.', 'Step C.']) expect(own(s)).toContain('GLOBAL-MARKER');
    expect(own('Step C.')).not.toMatch(/A-ONLY|B-ONLY/);
    const run = (await t.engine.listRuns(wf.id))[0]!;
    expect(run.steps.map((s) => s.documentCount)).toEqual([2, 2, 1]);
  });

  it('a long document is cut with the cut stated in the prompt', async () => {
    const big = await t.engine.createDocument({ name: 'Big.txt', mimeType: 'text/plain', content: 'line of text\n'.repeat(3000) });
    const wf = await t.engine.createWorkflow({
      name: 'big',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      documentIds: [big.id],
      steps: [{ id: 'a', name: 'A', prompt: 'Read.' }],
    });
    await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    const prompt = t.engine.simulated.calls[0]!.prompt;
    expect(prompt).toMatch(/Truncated documents: Big\.txt \(\d+ of 39000 characters shown\)/);
    expect(prompt).toContain('Read the rest with read_document');
  });

  it('rejects bad documents with the field named, storing nothing', async () => {
    await expect(t.engine.createDocument({ name: '', mimeType: 'image/png', content: '' })).rejects.toMatchObject({
      issues: [{ field: ['name'] }, { field: ['mimeType'] }, { field: ['content'] }],
    });
    await expect(t.engine.createDocument({ name: 'x.json', mimeType: 'application/json', content: '{nope' })).rejects.toMatchObject({
      issues: [{ field: ['content'], code: 'INVALID_VALUE' }],
    });
    expect(await t.engine.listDocuments()).toEqual([]);
  });
});

describe('budgets', () => {
  it('resolves caps step > workflow > setting > default in every combination', () => {
    const combos = [
      [2, 3, 4, 'workflow-step', 2, 'step'],
      [null, 3, 4, 'workflow-step', 3, 'workflow'],
      [null, null, 4, 'workflow-step', 4, 'setting'],
      [null, null, null, 'workflow-step', 5, 'default'],
      [null, null, null, 'standalone', 2, 'default'],
      [0, -1, null, 'workflow-step', 5, 'default'],
      [2, null, 4, 'workflow-step', 2, 'step'],
      [2, 3, null, 'standalone', 2, 'step'],
      [null, 3, null, 'standalone', 3, 'workflow'],
      [null, null, 4, 'standalone', 4, 'setting'],
    ] as const;
    for (const [step, workflow, setting, kind, cap, source] of combos)
      expect(resolveCostCap({ stepBudgetUsd: step, workflowBudgetUsd: workflow, settingBudgetUsd: setting, kind })).toEqual({ capUsd: cap, source });
  });

  it('applies the resolved cap to each step run (step, workflow, setting)', async () => {
    await t.engine.updateSettings([{ key: 'budget.maxCostPerTaskUsd', value: 4 }]);
    const wf = await t.engine.createWorkflow({
      name: 'b',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      steps: [
        { id: 'a', name: 'A', prompt: 'a', budgetUsd: 1.5 },
        { id: 'b', name: 'B', prompt: 'b' },
      ],
    });
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.steps.map((s) => s.budgetUsd)).toEqual([1.5, 4]);
    const wf2 = await t.engine.createWorkflow({
      name: 'b2',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      budgetUsd: 2.5,
      steps: [{ id: 'a', name: 'A', prompt: 'a' }],
    });
    expect((await t.engine.waitForRun((await t.engine.executeWorkflow(wf2.id)).run.id)).steps[0]!.budgetUsd).toBe(2.5);
  });

  it('with budget.onCapReached = fail, a step ends FAILED with BUDGET_EXCEEDED when its cap is reached, keeping partial output and spend', async () => {
    await t.engine.updateSettings([{ key: 'budget.onCapReached', value: 'fail' }]);
    const wf = await t.engine.createWorkflow({
      name: 'b',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      steps: [{ id: 'a', name: 'A', prompt: 'Write a lot.', budgetUsd: 0.001 }],
    });
    t.engine.simulated.script({
      match: 'Write a lot.',
      script: {
        turns: [
          { text: 'part one', outputTokens: 100 },
          { text: 'part two', outputTokens: 100 },
          { text: 'part three', outputTokens: 100 },
        ],
      },
    });
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    const s = run.steps[0]!;
    expect(s.status).toBe('FAILED');
    expect(s.failureCategory).toBe('BUDGET_EXCEEDED');
    expect(s.turns).toBe(1);
    expect(s.output).toContain('part one');
    expect(s.costUsd).toBeGreaterThanOrEqual(0.001);
    expect(s.evidence).toMatchObject({ capUsd: 0.001 });
    expect(s.evidence!.spentUsd).toBeCloseTo(s.costUsd, 6);
    expect(s.evidence!.providerMessage).toBeUndefined(); // our cap stopped it, not the provider
  });

  it('the token cap and the daily cap pause steps too; the daily cap says when it resets', async () => {
    await t.engine.updateSettings([{ key: 'budget.maxTokensPerTask', value: 1000 }]);
    t.engine.simulated.script({ match: 'tokens', script: { turns: [{ text: 'a', inputTokens: 600, outputTokens: 500 }, { text: 'b' }] } });
    const wf = await t.engine.createWorkflow({ name: 't', pattern: 'SEQUENCE', runtimeId: 'simulated', steps: [{ id: 'a', name: 'A', prompt: 'tokens' }] });
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.steps[0]).toMatchObject({ failureCategory: 'BUDGET_EXCEEDED', evidence: { tokensUsed: 1100, tokenCap: 1000 } });
    await t.engine.updateSettings([
      { key: 'budget.maxTokensPerTask', value: null },
      { key: 'budget.maxDailyCostUsd', value: 1 },
    ]);
    t.engine.simulated.script({ match: 'daily', script: { turns: [{ text: 'x', inputTokens: 400_000, outputTokens: 10 }] } });
    const wf2 = await t.engine.createWorkflow({
      name: 'd',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      steps: [{ id: 'a', name: 'A', prompt: 'daily', budgetUsd: 50 }],
    });
    const run2 = await t.engine.waitForRun((await t.engine.executeWorkflow(wf2.id)).run.id);
    expect(run.steps[0]!.status).toBe('PAUSED');
    expect(run2.steps[0]).toMatchObject({ status: 'PAUSED', failureCategory: 'BUDGET_EXCEEDED', evidence: { dailyCapUsd: 1 } });
    expect(run2.steps[0]!.error).toMatch(/reaching the daily cap of \$1\.00 \(budget\.maxDailyCostUsd\)\. It resets at 00:00 UTC \(in \d+h \d{2}m\)\.$/);
  });

  it('the estimate warns when a step is estimated over its cap, and never blocks the run', async () => {
    const doc = await t.engine.createDocument({ name: 'Long.md', mimeType: 'text/markdown', content: 'word '.repeat(8000) });
    const input = {
      name: 'e',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      documentIds: [doc.id],
      steps: [
        { id: 'a', name: 'Tight', prompt: 'Summarise.', budgetUsd: 0.001 },
        { id: 'b', name: 'Roomy', prompt: 'Conclude.' },
      ],
    };
    const estimate = await t.engine.estimateWorkflowCost(input);
    expect(estimate.steps[0]).toMatchObject({ stepId: 'a', overBudget: true, budgetUsd: 0.001, modelId: 'simulated-smart', priced: true });
    expect(estimate.steps[1]!.overBudget).toBe(false);
    expect(estimate.warnings.some((w) => w.includes('"Tight"') && w.includes('over its cap'))).toBe(true);
    expect(estimate.overBudget).toBe(true);
    const wf = await t.engine.createWorkflow(input);
    const started = await t.engine.executeWorkflow(wf.id);
    expect(started.costEstimate.overBudget).toBe(true);
    expect(started.run.costEstimate?.overBudget).toBe(true);
    expect(started.run.status).toBe('RUNNING');
    await t.engine.waitForRun(started.run.id);
  });
});
