import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '../testing/index.js';
import { toDefinitionInput } from '../intelligence/apply-suggestion.js';
import type { WorkflowRunView, WorkflowView } from '../workflows/read-models.js';
import { DEMO_TIGHT_CAP_USD } from './demo-history.js';
import { seedDemoData } from './demo-data.js';

/** Status of each run of a workflow, oldest first. */
async function statuses(t: TestEngine, workflow: WorkflowView): Promise<string[]> {
  return (await t.engine.listRuns(workflow.id)).map((r) => r.status).reverse();
}

describe('demo data', () => {
  let t: TestEngine;
  let byName: Map<string, WorkflowView>;
  // The serve command's streaming delay: with the manual clock, any delay the seeding waited on
  // would never elapse, so finishing proves the first runs do not stream at watching speed.
  beforeAll(async () => {
    t = await createTestEngine({ simulatedLatencyMs: 25 });
    expect(await seedDemoData(t.engine)).toBe(true);
    byName = new Map((await t.engine.listWorkflows()).nodes.map((w) => [w.name, w]));
  });
  afterAll(() => t.close());

  it('creates six documents and four workflows, each bound to the simulator', async () => {
    expect(await t.engine.listDocuments()).toHaveLength(6);
    expect([...byName.keys()].sort()).toEqual(['Competitive scan', 'Investor research brief', 'Pitch polish loop', 'Weekly metrics report (with approval)']);
    const research = byName.get('Investor research brief')!;
    expect(research.steps).toHaveLength(3);
    expect(new Set(research.documents.map((b) => b.documentId)).size).toBe(6);
    for (const w of byName.values()) expect(w.runtimeId).toBe('simulated');
  });

  it('runs every workflow through the engine: completed runs, a run waiting for approval, one paused at its cap', async () => {
    expect(await statuses(t, byName.get('Investor research brief')!)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'PAUSED']);
    expect(await statuses(t, byName.get('Competitive scan')!)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(await statuses(t, byName.get('Weekly metrics report (with approval)')!)).toEqual(['COMPLETED', 'WAITING_APPROVAL']);
    expect(await statuses(t, byName.get('Pitch polish loop')!)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);

    const runs: WorkflowRunView[] = (await Promise.all([...byName.values()].map((w) => t.engine.listRuns(w.id)))).flat();
    const steps = runs.flatMap((r) => r.steps).filter((s) => s.startedAt !== null);
    expect(steps.every((s) => s.runtimeId === 'simulated')).toBe(true);
    expect(runs.filter((r) => r.status === 'COMPLETED').every((r) => r.costUsd > 0)).toBe(true);
    // Every model call went to the simulator, and its output says so.
    expect(t.engine.simulated.calls.length).toBeGreaterThanOrEqual(steps.length);
    expect(steps.filter((s) => s.status === 'COMPLETED').every((s) => s.output?.includes('no model was called'))).toBe(true);
  });

  it('leaves a run paused at its cap (the default, budget.onCapReached = pause) with its debug analysis and a one-click Resume', async () => {
    const research = byName.get('Investor research brief')!;
    const paused = (await t.engine.listRuns(research.id))[0]!;
    expect(paused).toMatchObject({ status: 'PAUSED', resumeAt: null });
    expect(paused.steps.map((s) => s.status)).toEqual(['PAUSED', 'PENDING', 'PENDING']);
    expect(paused.steps[0]).toMatchObject({ failureCategory: 'BUDGET_EXCEEDED' });
    // A sub-cent cap is quoted as it is, not rounded to "$0.00".
    expect(paused.steps[0]!.error).toMatch(/^Paused: Spent \$0\.\d{4}, reaching the cost cap of \$0\.003\./);
    const analysis = (await t.engine.debugAnalysis(research.id, paused.id))!;
    expect(analysis.rootCause).toMatchObject({ category: 'BUDGET_EXCEEDED', stepId: 'profile' });
    expect(analysis.rootCause!.evidence).toMatch(/^Spent \$0\.\d+ of a \$0\.003 cap\./);
    const quick = analysis.suggestions.find((s) => s.tier === 'QUICK')!;
    expect(quick.action).toMatchObject({ type: 'RESUME_STEP', payload: { stepId: 'profile' } });
    expect((quick.action!.payload as { budgetUsd: number }).budgetUsd).toBeGreaterThan(DEMO_TIGHT_CAP_USD);
  });

  it('fills the execution stats of every shape that ran', async () => {
    const stats = await t.engine.executionStats();
    const bucket = (pattern: string) => stats.find((s) => s.pattern === pattern)!;
    expect(stats.map((s) => `${s.pattern}:${s.stepCount}`)).toEqual(['CHECKPOINT:2', 'LOOP:1', 'PARALLEL:4', 'SEQUENCE:3']);
    // The paused run has not finished: it is in no statistic until it ends.
    expect(bucket('SEQUENCE')).toMatchObject({ sampleCount: 3, successRate: 1, commonFailures: {}, runtimeSuccessRates: { simulated: 1 } });
    expect(bucket('PARALLEL')).toMatchObject({ sampleCount: 3, successRate: 1 });
    expect(bucket('CHECKPOINT')).toMatchObject({ sampleCount: 1, successRate: 1 });
    expect(bucket('LOOP')).toMatchObject({ sampleCount: 3, successRate: 1, commonFailures: {} });
    for (const s of stats) expect(s.avgCostPerStepUsd).toBeGreaterThan(0);
  });

  it('gives the research brief an optimizer suggestion learned from its completed runs', async () => {
    const research = (await t.engine.getWorkflow(byName.get('Investor research brief')!.id))!;
    const suggestions = await t.engine.optimizeWorkflow(toDefinitionInput(research), research.id);
    expect(suggestions.map((s) => s.kind)).toEqual(['BUDGET_ESTIMATE']);
    expect(suggestions[0]!.title).toBe('Raise the budget of "Profile the investors" to $0.01');
    expect(suggestions[0]!.description).toMatch(
      /^Its cap is \$0\.003, below what the step needs: 3 comparable completed runs of "Profile the investors" cost \$0\.\d+ on average/,
    );
    expect(suggestions[0]!.action).toEqual({ type: 'SET_BUDGET', payload: { stepId: 'profile', budgetUsd: 0.01 } });
  });
});

describe('demo data, once per database', () => {
  it('is not seeded again after a restart, nor after the demo was deleted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stagent-demo-'));
    try {
      const first = await createTestEngine({ dataDir });
      expect(await seedDemoData(first.engine)).toBe(true);
      const runCount = first.engine.simulated.calls.length;
      await first.close();

      const second = await createTestEngine({ dataDir });
      expect(await seedDemoData(second.engine)).toBe(false);
      const { nodes } = await second.engine.listWorkflows();
      expect(nodes).toHaveLength(4);
      for (const w of nodes) await second.engine.control.cancel(w.id).catch(() => undefined);
      for (const w of nodes) await second.engine.deleteWorkflow(w.id);
      for (const d of await second.engine.listDocuments()) await second.engine.deleteDocument(d.id);
      expect(await seedDemoData(second.engine)).toBe(false);
      expect((await second.engine.listWorkflows()).totalCount).toBe(0);
      expect(second.engine.simulated.calls).toHaveLength(0);
      expect(runCount).toBeGreaterThan(0);
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('leaves a database that already has a document alone', async () => {
    const t = await createTestEngine();
    await t.engine.createDocument({ name: 'Notes.md', mimeType: 'text/markdown', content: '# Mine' });
    expect(await seedDemoData(t.engine)).toBe(false);
    expect((await t.engine.listWorkflows()).totalCount).toBe(0);
    await t.close();
  });
});
