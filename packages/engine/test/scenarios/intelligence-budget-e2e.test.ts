import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, threeStepSequence, type TestEngine } from '@stagent/engine/testing';
import { formatUsd } from '../../src/format/index.js';

let t: TestEngine;
beforeEach(async () => {
  t = await createTestEngine();
});
afterEach(() => t.close());

/** Step 2's own instruction ends its prompt (earlier output is prepended). */
const isStep2 = (prompt: string) => prompt.endsWith('do part 2 of the work.');

describe('debug analysis of a budget stop, end to end', () => {
  it('names the step, shows spent vs cap, suggests a higher budget; applying it and retrying completes the run', async () => {
    await t.engine.updateSettings([{ key: 'budget.onCapReached', value: 'fail' }]);
    // Step 2 ("Analyse") has a $0.05 cap; its one model call costs 20,000 in x $3/M + 5,000 out x $15/M = $0.135.
    const wf = await t.engine.createWorkflow(threeStepSequence({ budgets: [null, 0.05, null] }));
    t.engine.simulated.script({
      match: (r) => isStep2(r.prompt),
      script: { turns: [{ text: 'Partial analysis.', inputTokens: 20_000, outputTokens: 5_000 }] },
    });
    const failed = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.steps.map((s) => s.status)).toEqual(['COMPLETED', 'FAILED', 'SKIPPED']);
    const stopped = failed.steps[1]!;
    expect(stopped.failureCategory).toBe('BUDGET_EXCEEDED');
    const spent = stopped.evidence!.spentUsd!;
    expect(spent).toBeCloseTo(0.135, 6);
    expect(stopped.evidence!.capUsd).toBe(0.05);

    // The analysis names step 2 and quotes spent vs cap.
    const analysis = (await t.engine.debugAnalysis(wf.id))!;
    expect(analysis).toMatchObject({ workflowId: wf.id, runId: failed.id, status: 'FAILED' });
    expect(analysis.rootCause).toMatchObject({ category: 'BUDGET_EXCEEDED', stepId: 's2' });
    expect(analysis.rootCause!.summary).toContain('Step "Analyse" (2 of 3)');
    expect(analysis.rootCause!.evidence).toContain(`Spent ${formatUsd(spent)} of a $0.05 cap.`);
    expect(analysis.suggestions.map((s) => s.tier)).toEqual(['QUICK', 'BETTER', 'BEST']);
    const failedEntry = analysis.timeline.find((e) => e.kind === 'STEP_FAILED')!;
    expect(failedEntry).toMatchObject({ stepId: 's2', severity: 'FAILURE' });
    expect(analysis.timeline.at(-1)).toMatchObject({ kind: 'RUN_FAILED', severity: 'FAILURE' });

    // QUICK: a budget above what was spent, at least twice the spend, in whole cents.
    const quick = analysis.suggestions[0]!;
    expect(quick.action!.type).toBe('SET_BUDGET');
    const budgetUsd = quick.action!.payload.budgetUsd as number;
    expect(quick.action!.payload.stepId).toBe('s2');
    expect(budgetUsd).toBeGreaterThanOrEqual(2 * spent);
    expect(Math.round(budgetUsd * 100) / 100).toBe(budgetUsd);
    expect(quick.description).toContain(formatUsd(spent));

    // Apply it: the stored definition changes through updateWorkflow's validation.
    const updated = await t.engine.applySuggestion(wf.id, quick.action!);
    expect(updated.steps.map((s) => s.budgetUsd ?? null)).toEqual([null, budgetUsd, null]);

    // Retry step 2: same cost, now under the cap; step 3 runs and the run completes.
    await t.engine.retryWorkflowStep(wf.id, 's2');
    const done = await t.engine.waitForRun(failed.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['s1', 'COMPLETED'],
      ['s2', 'COMPLETED'],
      ['s3', 'COMPLETED'],
    ]);
    expect(done.steps[1]!.budgetUsd).toBe(budgetUsd);
    expect(t.engine.simulated.calls.filter((c) => isStep2(c.prompt))).toHaveLength(2);

    // The run no longer failed: no root cause.
    expect((await t.engine.debugAnalysis(wf.id))!.rootCause).toBeNull();
  });

  it('an inapplicable suggestion is a NOT_APPLICABLE error with its field path, and changes nothing', async () => {
    const wf = await t.engine.createWorkflow(threeStepSequence());
    await expect(t.engine.applySuggestion(wf.id, { type: 'SET_BUDGET', payload: { stepId: 'ghost', budgetUsd: 1 } })).rejects.toMatchObject({
      code: 'NOT_APPLICABLE',
      field: ['action', 'payload', 'stepId'],
    });
    await expect(t.engine.applySuggestion(wf.id, { type: 'SHRINK', payload: {} })).rejects.toMatchObject({ code: 'NOT_APPLICABLE', field: ['action', 'type'] });
    expect((await t.engine.getWorkflow(wf.id))!.steps.map((s) => s.budgetUsd ?? null)).toEqual([null, null, null]);
  });
});
