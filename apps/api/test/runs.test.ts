import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advanceUntil, createTestApp, definitionInput, type TestApp } from './harness.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.dispose());

const ERR = 'errors { field message code }';
const RUN_FIELDS = /* GraphQL */ `id runNumber status startedAt finishedAt inputTokens outputTokens costUsd failureCategory error
  costEstimate { totalUsd }
  steps { stepId name status attempt taskId output error failureCategory runtimeId modelId durationMs inputTokens outputTokens costUsd budgetUsd turns currentTool }`;
const EXECUTE = /* GraphQL */ `mutation ($id: ID!) { executeWorkflow(id: $id) {
  workflow { id status } run { ${RUN_FIELDS} } costEstimate { totalUsd budgetUsd overBudget warnings steps { stepId modelId inputTokens outputTokens estimatedUsd budgetUsd overBudget } } ${ERR} } }`;
const RETRY = /* GraphQL */ `mutation ($w: ID!, $s: ID!) { retryWorkflowStep(workflowId: $w, stepId: $s) { run { id status } ${ERR} } }`;
const CANCEL = /* GraphQL */ `mutation ($id: ID!) { cancelWorkflow(id: $id) { workflow { id status } ${ERR} } }`;
const RESOLVE = /* GraphQL */ `mutation ($w: ID!, $s: ID!, $ok: Boolean!) { resolveCheckpoint(workflowId: $w, stepId: $s, approved: $ok, comment: "looks good") { workflow { id status } ${ERR} } }`;
const WORKFLOW = /* GraphQL */ `query ($id: ID!) { workflow(id: $id) { id status latestRun { ${RUN_FIELDS} } runs(first: 5) { id runNumber status } } }`;

async function createWorkflow(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await t.gql(`mutation ($input: WorkflowDefinitionInput!) { createWorkflow(input: $input) { workflow { id } ${ERR} } }`, {
    input: definitionInput(overrides),
  });
  expect(res.data.createWorkflow.errors).toEqual([]);
  return res.data.createWorkflow.workflow.id;
}

async function execute(id: string) {
  const res = await t.gql(EXECUTE, { id });
  expect(res.errors).toBeUndefined();
  return res.data.executeWorkflow;
}

describe('executeWorkflow', () => {
  it('starts a run, returns the estimate, and the run completes', async () => {
    const id = await createWorkflow();
    const started = await execute(id);
    expect(started.errors).toEqual([]);
    expect(started.run).toMatchObject({ runNumber: 1 });
    expect(started.costEstimate.steps.map((s: { stepId: string }) => s.stepId)).toEqual(['gather', 'write']);
    await t.engine.waitForRun(started.run.id);
    const after = (await t.gql(WORKFLOW, { id })).data.workflow;
    expect(after.status).toBe('COMPLETED');
    expect(after.latestRun).toMatchObject({ id: started.run.id, status: 'COMPLETED', failureCategory: null });
    expect(after.latestRun.steps.map((s: { status: string }) => s.status)).toEqual(['COMPLETED', 'COMPLETED']);
    // Each step ran as its own task; the run's totals are the sum of its steps'.
    const taskIds = after.latestRun.steps.map((s: { taskId: string }) => s.taskId);
    expect(new Set(taskIds).size).toBe(2);
    for (const taskId of taskIds) expect(taskId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const sum = (key: 'inputTokens' | 'outputTokens' | 'costUsd') =>
      after.latestRun.steps.reduce((total: number, s: Record<string, number>) => total + s[key], 0);
    expect(after.latestRun.outputTokens).toBeGreaterThan(0);
    expect(after.latestRun.outputTokens).toBe(sum('outputTokens'));
    expect(after.latestRun.inputTokens).toBe(sum('inputTokens'));
    expect(after.latestRun.costUsd).toBeCloseTo(sum('costUsd'), 9);
    expect(after.runs).toHaveLength(1);
    const byId = await t.gql(`query ($id: ID!) { workflowRun(id: $id) { id status } }`, { id: started.run.id });
    expect(byId.data.workflowRun).toEqual({ id: started.run.id, status: 'COMPLETED' });
    const events = await t.gql(`query ($id: ID!) { workflowEvents(workflowId: $id) { seq kind } }`, { id });
    const kinds = events.data.workflowEvents.map((e: { kind: string }) => e.kind);
    expect(kinds[0]).toBe('RUN_STARTED');
    expect(kinds.at(-1)).toBe('RUN_COMPLETED');
  });

  it('NOT_FOUND for an unknown workflow; CONFLICT while a run is live (nothing changes)', async () => {
    const missing = await execute('nope');
    expect(missing).toMatchObject({ run: null, workflow: null, errors: [{ code: 'NOT_FOUND', field: ['id'], message: 'Workflow "nope" does not exist.' }] });

    t.engine.simulated.script({ match: 'Gather', script: { latencyMs: 10_000 } });
    const id = await createWorkflow();
    const first = await execute(id);
    expect(first.errors).toEqual([]);
    const second = await execute(id);
    expect(second.run).toBeNull();
    expect(second.errors).toMatchObject([{ code: 'CONFLICT', field: ['id'] }]);
    const runs = (await t.gql(WORKFLOW, { id })).data.workflow.runs;
    expect(runs).toHaveLength(1);

    const cancelled = await t.gql(CANCEL, { id });
    expect(cancelled.data.cancelWorkflow).toMatchObject({ workflow: { id, status: 'CANCELLED' }, errors: [] });
    await t.engine.waitForRun(first.run.id);
    const run = (await t.gql(WORKFLOW, { id })).data.workflow.latestRun;
    expect(run.status).toBe('CANCELLED');
    expect(run.steps[0].status).toBe('CANCELLED');
  });
});

describe('cancelWorkflow', () => {
  it('errors when there is nothing to cancel or no such workflow', async () => {
    const id = await createWorkflow();
    const idle = await t.gql(CANCEL, { id });
    expect(idle.data.cancelWorkflow).toEqual({
      workflow: null,
      errors: [{ code: 'CONFLICT', field: ['id'], message: 'Workflow "Research brief" has no run in progress to cancel.' }],
    });
    const missing = await t.gql(CANCEL, { id: 'nope' });
    expect(missing.data.cancelWorkflow).toEqual({ workflow: null, errors: [{ code: 'NOT_FOUND', field: ['id'], message: 'Workflow "nope" does not exist.' }] });
    expect((await t.gql(WORKFLOW, { id })).data.workflow.status).toBe('DRAFT');
  });
});

describe('retryWorkflowStep and debugAnalysis', () => {
  it('retries the failed step only, keeping completed outputs', async () => {
    t.engine.simulated.script({ match: 'Write the brief', script: { failAt: { turn: 1, category: 'BUDGET_EXCEEDED', message: 'cap reached' } }, times: 1 });
    const id = await createWorkflow();
    const started = await execute(id);
    await t.engine.waitForRun(started.run.id);
    const failed = (await t.gql(WORKFLOW, { id })).data.workflow;
    expect(failed.status).toBe('FAILED');
    expect(failed.latestRun).toMatchObject({ status: 'FAILED', failureCategory: 'BUDGET_EXCEEDED' });

    const debug = await t.gql(
      `query ($id: ID!) { workflow(id: $id) { debugAnalysis { runId status rootCause { category stepId summary }
      timeline { at kind severity message } suggestions { tier title action { type payload } } } } }`,
      { id },
    );
    const analysis = debug.data.workflow.debugAnalysis;
    expect(analysis).toMatchObject({
      runId: started.run.id,
      status: 'FAILED',
      rootCause: { category: 'BUDGET_EXCEEDED', stepId: 'write', summary: 'Step "Write" (2 of 2) failed with BUDGET_EXCEEDED: cap reached' },
    });
    expect(analysis.timeline.map((e: { kind: string; severity: string }) => `${e.kind} ${e.severity}`)).toEqual([
      'RUN_STARTED INFO',
      'STEP_STARTED INFO',
      'USAGE INFO',
      'STEP_COMPLETED SUCCESS',
      'STEP_STARTED INFO',
      'STEP_FAILED FAILURE',
      'RUN_FAILED FAILURE',
    ]);
    expect(analysis.timeline.at(-1).message).toBe('Step "Write" failed (BUDGET_EXCEEDED): cap reached');
    // Three fixes, one per tier; only the quick one acts: a budget above the $0.50 cap it hit.
    expect(analysis.suggestions).toEqual([
      { tier: 'QUICK', title: 'Raise the budget of "Write" to $0.75', action: { type: 'SET_BUDGET', payload: { stepId: 'write', budgetUsd: 0.75 } } },
      { tier: 'BETTER', title: 'Tighten the prompt of "Write"', action: null },
      { tier: 'BEST', title: 'Split "Write" into smaller steps', action: null },
    ]);

    const notFailed = await t.gql(RETRY, { w: id, s: 'gather' });
    expect(notFailed.data.retryWorkflowStep).toMatchObject({ run: null, errors: [{ code: 'NOT_APPLICABLE', field: ['stepId'] }] });
    const missing = await t.gql(RETRY, { w: 'nope', s: 'write' });
    expect(missing.data.retryWorkflowStep).toEqual({
      run: null,
      errors: [{ code: 'NOT_FOUND', field: ['workflowId'], message: 'Workflow "nope" does not exist.' }],
    });

    const gatherOnly = () => t.engine.simulated.calls.filter((c) => c.prompt.includes('Gather the facts') && !c.prompt.includes('Write the brief')).length;
    const gatherCalls = gatherOnly();
    expect(gatherCalls).toBe(1);
    const retried = await t.gql(RETRY, { w: id, s: 'write' });
    expect(retried.data.retryWorkflowStep.errors).toEqual([]);
    expect(retried.data.retryWorkflowStep.run.id).toBe(started.run.id);
    await t.engine.waitForRun(started.run.id);
    const done = (await t.gql(WORKFLOW, { id })).data.workflow;
    expect(done.latestRun.status).toBe('COMPLETED');
    expect(done.latestRun.steps.find((s: { stepId: string }) => s.stepId === 'write').attempt).toBe(2);
    expect(gatherOnly()).toBe(gatherCalls);
  });

  it('debugAnalysis is null before the first run', async () => {
    const id = await createWorkflow();
    const res = await t.gql(`query ($id: ID!) { workflow(id: $id) { debugAnalysis { runId } latestRun { id } runs { id } } }`, { id });
    expect(res.data.workflow).toEqual({ debugAnalysis: null, latestRun: null, runs: [] });
  });
});

describe('resolveCheckpoint', () => {
  it('a run waits at the gate, approval completes it; wrong step or workflow is a UserError', async () => {
    const id = await createWorkflow({ pattern: 'CHECKPOINT', config: { checkpoints: ['write'] } });
    const started = await execute(id);
    await advanceUntil(t, async () => (await t.engine.getRun(started.run.id))?.status === 'WAITING_APPROVAL');
    const waiting = (await t.gql(WORKFLOW, { id })).data.workflow;
    expect(waiting.status).toBe('PAUSED');
    expect(waiting.latestRun.steps.map((s: { status: string }) => s.status)).toEqual(['COMPLETED', 'WAITING_APPROVAL']);

    const wrongStep = await t.gql(RESOLVE, { w: id, s: 'gather', ok: true });
    expect(wrongStep.data.resolveCheckpoint).toEqual({
      workflow: null,
      errors: [{ code: 'NOT_APPLICABLE', field: ['stepId'], message: 'Step "gather" is not waiting for approval.' }],
    });
    const missing = await t.gql(RESOLVE, { w: 'nope', s: 'write', ok: true });
    expect(missing.data.resolveCheckpoint).toEqual({
      workflow: null,
      errors: [{ code: 'NOT_FOUND', field: ['workflowId'], message: 'Workflow "nope" does not exist.' }],
    });
    expect((await t.engine.getRun(started.run.id))?.status).toBe('WAITING_APPROVAL');

    const approved = await t.gql(RESOLVE, { w: id, s: 'write', ok: true });
    expect(approved.data.resolveCheckpoint.errors).toEqual([]);
    await t.engine.waitForRun(started.run.id);
    expect((await t.gql(WORKFLOW, { id })).data.workflow.latestRun.status).toBe('COMPLETED');
  });
});

describe('applySuggestion', () => {
  it('applies SET_BUDGET to a step; a bad payload is a UserError and changes nothing', async () => {
    const id = await createWorkflow();
    const APPLY = `mutation ($id: ID!, $a: SuggestionActionInput!) { applySuggestion(workflowId: $id, action: $a) { workflow { steps { id budgetUsd } } ${ERR} } }`;
    const ok = await t.gql(APPLY, { id, a: { type: 'SET_BUDGET', payload: { stepId: 'write', budgetUsd: 1.25 } } });
    expect(ok.data.applySuggestion.errors).toEqual([]);
    expect(ok.data.applySuggestion.workflow.steps[1]).toEqual({ id: 'write', budgetUsd: 1.25 });
    const bad = await t.gql(APPLY, { id, a: { type: 'SET_BUDGET', payload: { stepId: 'write', budgetUsd: -3 } } });
    expect(bad.data.applySuggestion).toMatchObject({
      workflow: null,
      errors: [{ field: ['action', 'payload', 'budgetUsd'], message: '"budgetUsd" must be between 0 and 1000 USD.' }],
    });
    expect(bad.data.applySuggestion.errors).toHaveLength(1);
    const missing = await t.gql(APPLY, { id: 'nope', a: { type: 'SET_BUDGET', payload: { stepId: 'write', budgetUsd: 1 } } });
    expect(missing.data.applySuggestion).toEqual({
      workflow: null,
      errors: [{ code: 'NOT_FOUND', field: ['workflowId'], message: 'Workflow "nope" does not exist.' }],
    });
    const stored = await t.gql(`query ($id: ID!) { workflow(id: $id) { steps { budgetUsd } } }`, { id });
    expect(stored.data.workflow.steps[1].budgetUsd).toBe(1.25);
  });
});

describe('runs of a workflow list', () => {
  it('read steps only for the runs whose steps are asked for, and every asked run has them', async () => {
    const id = await createWorkflow();
    for (let i = 0; i < 3; i++) await t.engine.waitForRun((await t.engine.executeWorkflow(id)).run.id);
    // Through the facade: with stepsOfLatest 1, the older runs come without their steps.
    const runs = (await t.engine.listRunsForWorkflows([id], 3, { stepsOfLatest: 1 })).get(id)!;
    expect(runs.map((r) => [r.runNumber, r.steps.length])).toEqual([
      [3, 2],
      [2, 0],
      [1, 0],
    ]);
    // Through GraphQL, one batch with keys that want steps and keys that do not.
    const res = await t.gql(/* GraphQL */ `
      {
        workflows {
          nodes {
            id
            latestRun {
              runNumber
              steps {
                stepId
              }
            }
            statuses: runs(first: 3) {
              runNumber
              status
            }
            detailed: runs(first: 2) {
              runNumber
              steps {
                stepId
                status
              }
            }
          }
        }
      }
    `);
    expect(res.errors).toBeUndefined();
    const node = res.data.workflows.nodes[0];
    expect(node.latestRun).toEqual({ runNumber: 3, steps: [{ stepId: 'gather' }, { stepId: 'write' }] });
    expect(node.statuses.map((r: { runNumber: number }) => r.runNumber)).toEqual([3, 2, 1]);
    expect(node.detailed.map((r: { steps: unknown[] }) => r.steps.length)).toEqual([2, 2]);
    // Steps asked through a fragment count as asked.
    const viaFragment = await t.gql(/* GraphQL */ `
      {
        workflows {
          nodes {
            runs(first: 3) {
              ...S
            }
          }
        }
      }
      fragment S on WorkflowRun {
        steps {
          stepId
        }
      }
    `);
    expect(viaFragment.data.workflows.nodes[0].runs.map((r: { steps: unknown[] }) => r.steps.length)).toEqual([2, 2, 2]);
  });

  it('read step output, evidence and the stored estimate only when a field (or fragment) asks for them', async () => {
    const id = await createWorkflow();
    await t.engine.waitForRun((await t.engine.executeWorkflow(id)).run.id);
    const full = (await t.engine.listRunsForWorkflows([id], 1)).get(id)![0]!;
    expect(full.steps[0]!.output).toBeTruthy();
    expect(full.costEstimate).not.toBeNull();
    // Summaries leave the large fields out and everything else as in the full read.
    const summary = (await t.engine.listRunsForWorkflows([id], 1, { summaries: true })).get(id)![0]!;
    expect(summary.costEstimate).toBeNull();
    expect(summary.steps.map((s) => [s.output, s.evidence])).toEqual([
      [null, null],
      [null, null],
    ]);
    const strip = ({ costEstimate: _c, steps, ...run }: typeof full) => ({
      ...run,
      steps: steps.map(({ output: _o, evidence: _e, elapsedMs: _m, ...s }) => s),
    });
    expect(strip(summary)).toEqual(strip(full));
    // Through GraphQL: asked directly, through a fragment, or next to a key that does not ask.
    const direct = await t.gql(`{ workflows { nodes { latestRun { steps { output } } } } }`);
    expect(direct.data.workflows.nodes[0].latestRun.steps[0].output).toBe(full.steps[0]!.output);
    const viaFragment = await t.gql(
      `{ workflows { nodes { latestRun { ...R } } } } fragment R on WorkflowRun { costEstimate { totalUsd } steps { ...S } } fragment S on StepRun { output }`,
    );
    expect(viaFragment.data.workflows.nodes[0].latestRun.costEstimate.totalUsd).toBe(full.costEstimate!.totalUsd);
    expect(viaFragment.data.workflows.nodes[0].latestRun.steps[1].output).toBe(full.steps[1]!.output);
    const mixed = await t.gql(`{ workflows { nodes { latestRun { status } runs(first: 1) { steps { output } } } } }`);
    expect(mixed.data.workflows.nodes[0].runs[0].steps[0].output).toBe(full.steps[0]!.output);
  });
});
