/**
 * Durable turns on the engine: every model call is journaled with its usage; a cap pauses the
 * step where it stands (budget.onCapReached = pause) and resumeWorkflowStep goes on from the last
 * completed turn with a higher cap, paying no finished turn twice; a failed step with journaled
 * turns resumes the same way in a new attempt. Reuse is accounted from the ledger, exactly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '@stagent/engine/testing';
import { RuntimeCatalog } from '../../src/runtimes/catalog.js';
import type { RuntimeAdapter } from '../../src/runtimes/runtime.js';
import type { SimulatedRuntime } from '../../src/runtimes/simulated.js';
import { UsageLedgerSchema } from '../../src/db/entities/usage-ledger.entity.js';
import { StepJournalSchema } from '../../src/db/entities/step-journal.entity.js';
import { PRICES } from '../../src/runtimes/pricing.js';

let t: TestEngine | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const price = PRICES['simulated-smart']!;
/** Each scripted turn: 1,000 input and 100 output tokens. */
const TURN_MICROS = Math.round(1000 * price.input + 100 * price.output);
const turnUsd = TURN_MICROS / 1e6;

/** Six turns, each asking for a document search, the last one answering. */
function sixTurns(t: TestEngine, prompt: string): void {
  t.engine.simulated.script({
    match: prompt,
    script: {
      turns: Array.from({ length: 6 }, (_, i) => ({
        text: `Turn ${i + 1}.`,
        inputTokens: 1000,
        outputTokens: 100,
        ...(i < 5 ? { toolCalls: [{ name: 'search_documents', input: { query: `part ${i + 1}` } }] } : {}),
      })),
    },
  });
}

async function workflowCappedAtTurn3(t: TestEngine, prompt: string, runtimeId = 'simulated') {
  const doc = await t.engine.createDocument({ name: 'Notes.md', mimeType: 'text/markdown', content: 'part one, part two, part three' });
  // Turn 3 crosses the cap: 2.5 turns' worth.
  return t.engine.createWorkflow({
    name: `Capped ${prompt}`,
    pattern: 'SEQUENCE',
    runtimeId,
    documentIds: [doc.id],
    steps: [{ id: 'work', name: 'Work', prompt, budgetUsd: Number((2.5 * turnUsd).toFixed(6)), maxTurns: 10 }],
  });
}

async function ledgerMicros(t: TestEngine, workflowId: string): Promise<number[]> {
  const rows = await t.engine.resources.orm.em.fork().find(UsageLedgerSchema, { workflowId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  return rows.map((r) => r.costMicros);
}

describe('durable turns', () => {
  it('pauses at the cap after turn 3, and resuming with a higher cap makes exactly the 3 remaining calls', async () => {
    t = await createTestEngine();
    await t.engine.updateSettings([{ key: 'budget.onCapReached', value: 'pause' }]);
    sixTurns(t, 'six turns');
    const wf = await workflowCappedAtTurn3(t, 'six turns');
    const paused = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(paused.status).toBe('PAUSED');
    expect(paused.steps[0]).toMatchObject({ status: 'PAUSED', turns: 3, failureCategory: 'BUDGET_EXCEEDED', output: 'Turn 1.\nTurn 2.\nTurn 3.' });
    const events = await t.engine.listEvents(wf.id, { runId: paused.id });
    expect(events.find((e) => e.kind === 'STEP_PAUSED')?.message).toContain('Resume it with a higher cap');
    expect(await ledgerMicros(t, wf.id)).toHaveLength(3);

    // Bad resumes change nothing: a cap at or below what was spent, an unknown step.
    await expect(t.engine.resumeWorkflowStep(wf.id, 'work', turnUsd)).rejects.toMatchObject({ code: 'OUT_OF_RANGE', field: ['budgetUsd'] });
    await expect(t.engine.resumeWorkflowStep(wf.id, 'nope', 1)).rejects.toMatchObject({ code: 'NOT_FOUND', field: ['stepId'] });
    expect((await t.engine.getRun(paused.id))?.status).toBe('PAUSED');

    const before = t.engine.simulated.calls.length;
    await t.engine.resumeWorkflowStep(wf.id, 'work', 1);
    const done = await t.engine.waitForRun(paused.id);
    expect(done.status).toBe('COMPLETED');
    // One task resumed at turn 3 and made the calls of turns 4, 5 and 6 only.
    expect(t.engine.simulated.calls.length - before).toBe(1);
    expect(t.engine.simulated.calls.at(-1)!.resume?.turn).toBe(3);
    const ledger = await ledgerMicros(t, wf.id);
    expect(ledger).toHaveLength(6);
    expect(done.steps[0]).toMatchObject({ status: 'COMPLETED', turns: 6, turnsReused: 3 });
    expect(done.steps[0]!.output).toBe('Turn 1.\nTurn 2.\nTurn 3.\nTurn 4.\nTurn 5.\nTurn 6.');
    expect(Math.round(done.steps[0]!.reusedUsd * 1e6)).toBe(ledger.slice(0, 3).reduce((a, b) => a + b, 0));
    expect(Math.round(done.reusedUsd * 1e6)).toBe(ledger.slice(0, 3).reduce((a, b) => a + b, 0));
    const kinds = (await t.engine.listEvents(wf.id, { runId: paused.id })).map((e) => e.kind);
    expect(kinds).toContain('STEP_RESUMED');
    await expect(t.engine.resumeWorkflowStep(wf.id, 'work', 2)).rejects.toMatchObject({ code: 'NOT_APPLICABLE', field: ['stepId'] });
  });

  it('budget.onCapReached = fail behaves as before: the step ends FAILED with BUDGET_EXCEEDED', async () => {
    t = await createTestEngine();
    await t.engine.updateSettings([{ key: 'budget.onCapReached', value: 'fail' }]);
    sixTurns(t, 'fail mode');
    const wf = await workflowCappedAtTurn3(t, 'fail mode');
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.status).toBe('FAILED');
    expect(run.steps[0]).toMatchObject({ status: 'FAILED', failureCategory: 'BUDGET_EXCEEDED', turns: 3 });
  });

  it('a step on a runtime that cannot go on from a journal (an agent CLI runs its own loop) fails at the cap even with pause', async () => {
    // The simulator's loop behind an adapter that, like claude-code, hands no checkpoint to onUsage.
    const agentCli = (simulated: SimulatedRuntime): RuntimeAdapter => ({
      id: 'ollama',
      resumesFromJournal: false,
      describe: async () => ({ ...(await simulated.describe()), id: 'ollama' }),
      run: (request, hooks) => simulated.run(request, { ...hooks, onUsage: (usage) => hooks.onUsage(usage), onCheckpoint: undefined }),
    });
    t = await createTestEngine({ catalog: ({ simulated }) => new RuntimeCatalog().register(simulated).register(agentCli(simulated)) });
    sixTurns(t, 'cli loop');
    const wf = await workflowCappedAtTurn3(t, 'cli loop', 'ollama');
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.status).toBe('FAILED');
    expect(run.steps[0]).toMatchObject({ status: 'FAILED', failureCategory: 'BUDGET_EXCEEDED', turns: 3 });
    // Nothing journaled to go on from: resume is refused, and Retry starts the step afresh.
    await expect(t.engine.resumeWorkflowStep(wf.id, 'work', 1)).rejects.toMatchObject({ code: 'NOT_APPLICABLE', field: ['stepId'] });
  });

  it('a failed step whose journal holds completed turns resumes in a new attempt from its last turn', async () => {
    t = await createTestEngine();
    await t.engine.updateSettings([{ key: 'budget.onCapReached', value: 'fail' }]);
    const turns = Array.from({ length: 5 }, (_, i) => ({
      text: `Turn ${i + 1}.`,
      inputTokens: 1000,
      outputTokens: 100,
      ...(i < 4 ? { toolCalls: [{ name: 'search_documents', input: { query: 'x' } }] } : {}),
    }));
    t.engine.simulated.script({ match: 'flaky', times: 1, script: { turns, failAt: { turn: 3, category: 'CONNECTION', message: 'connection reset' } } });
    t.engine.simulated.script({ match: 'flaky', script: { turns } });
    const doc = await t.engine.createDocument({ name: 'N.md', mimeType: 'text/markdown', content: 'x y z' });
    const wf = await t.engine.createWorkflow({
      name: 'flaky',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      documentIds: [doc.id],
      steps: [{ id: 'work', name: 'Work', prompt: 'flaky' }],
    });
    const failed = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(failed.steps[0]).toMatchObject({ status: 'FAILED', failureCategory: 'CONNECTION', turns: 3 });
    const paid = await ledgerMicros(t, wf.id);
    expect(paid).toHaveLength(2);
    await t.engine.resumeWorkflowStep(wf.id, 'work');
    const done = await t.engine.waitForRun(failed.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps[0]).toMatchObject({ attempt: 2, turnsReused: 2, turns: 5 });
    expect(t.engine.simulated.calls.at(-1)!.resume?.turn).toBe(2);
    expect(await ledgerMicros(t, wf.id)).toHaveLength(5);
    expect(Math.round(done.steps[0]!.reusedUsd * 1e6)).toBe(paid[0]! + paid[1]!);
  });

  it('refuses to resume a step of a live run, a step that never ran or a completed one', async () => {
    t = await createTestEngine();
    const wf = await t.engine.createWorkflow({ name: 'plain', pattern: 'SEQUENCE', runtimeId: 'simulated', steps: [{ id: 'a', name: 'A', prompt: 'a' }] });
    await expect(t.engine.resumeWorkflowStep(wf.id, 'a')).rejects.toMatchObject({ code: 'NOT_APPLICABLE', field: ['workflowId'] });
    await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    await expect(t.engine.resumeWorkflowStep(wf.id, 'a')).rejects.toMatchObject({ code: 'NOT_APPLICABLE', field: ['stepId'] });
    await expect(t.engine.resumeWorkflowStep(wf.id, 'a', -1)).rejects.toMatchObject({ code: 'OUT_OF_RANGE', field: ['budgetUsd'] });
    await expect(t.engine.resumeWorkflowStep('missing', 'a')).rejects.toMatchObject({ code: 'NOT_FOUND', field: ['workflowId'] });
  });

  it('journals every model call; journals of finished runs go after journal.retentionDays, a paused run keeps its own', async () => {
    t = await createTestEngine();
    const journals = () => t!.engine.resources.orm.em.fork().count(StepJournalSchema, {});
    sixTurns(t, 'journaled');
    const wf = await workflowCappedAtTurn3(t, 'journaled');
    await t.engine.updateSettings([{ key: 'budget.onCapReached', value: 'pause' }]);
    const paused = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(paused.status).toBe('PAUSED');
    expect(await journals()).toBe(3); // one entry per completed turn
    const plain = await t.engine.createWorkflow({ name: 'done', pattern: 'SEQUENCE', runtimeId: 'simulated', steps: [{ id: 'a', name: 'A', prompt: 'a' }] });
    await t.engine.waitForRun((await t.engine.executeWorkflow(plain.id)).run.id);
    expect(await journals()).toBe(4);
    await t.clock.advance(13 * 86_400_000);
    expect(await t.engine.control.pruneJournals(14)).toBe(0);
    await t.clock.advance(2 * 86_400_000);
    expect(await t.engine.control.pruneJournals(14)).toBe(1); // the finished run's; the paused one keeps its three
    expect(await journals()).toBe(3);
  });

  it('the debug analysis of a paused step offers Resume with the numbers, and applying it finishes the step without paying turns 1-3 again', async () => {
    t = await createTestEngine();
    await t.engine.updateSettings([{ key: 'budget.onCapReached', value: 'pause' }]);
    sixTurns(t, 'analysed pause');
    const wf = await workflowCappedAtTurn3(t, 'analysed pause');
    const paused = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    const analysis = (await t.engine.debugAnalysis(wf.id))!;
    expect(analysis.rootCause).toMatchObject({ category: 'BUDGET_EXCEEDED', stepId: 'work' });
    const quick = analysis.suggestions[0]!;
    expect(quick).toMatchObject({ tier: 'QUICK', action: { type: 'RESUME_STEP', payload: { stepId: 'work' } } });
    expect(quick.title).toMatch(/^Resume "Work" with a cap of \$/);
    expect(quick.description).toContain('paused after turn 3');
    await t.engine.applySuggestion(wf.id, quick.action!);
    const done = await t.engine.waitForRun(paused.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps[0]).toMatchObject({ turnsReused: 3, turns: 6 });
  });
});
