/**
 * Durable turns through GraphQL: a step paused at its cap shows PAUSED with its figures, bad
 * resumes come back as UserErrors with field and code (nothing changes), and resumeWorkflowStep
 * with a higher cap finishes it with the reuse reported on the step and the run.
 */
import { afterEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.js';

let t: TestApp | null = null;
afterEach(async () => {
  await t?.dispose();
  t = null;
});

const ERR = 'errors { field code message }';
const RESUME = /* GraphQL */ `mutation ($workflowId: ID!, $stepId: ID!, $budgetUsd: Float) {
  resumeWorkflowStep(workflowId: $workflowId, stepId: $stepId, budgetUsd: $budgetUsd) { run { id status } ${ERR} }
}`;
const RUN = /* GraphQL */ `
  query ($id: ID!) {
    workflowRun(id: $id) {
      status
      reusedUsd
      steps {
        status
        turns
        turnsReused
        reusedUsd
        costUsd
        budgetUsd
        failureCategory
        error
      }
    }
  }
`;

it('a step paused at its cap resumes with a higher cap; bad resumes are UserErrors that change nothing', async () => {
  t = await createTestApp();
  await t.engine.updateSettings([{ key: 'budget.onCapReached', value: 'pause' }]);
  const turns = Array.from({ length: 4 }, (_, i) => ({
    text: `Turn ${i + 1}.`,
    inputTokens: 1000,
    outputTokens: 100,
    ...(i < 3 ? { toolCalls: [{ name: 'search_documents', input: { query: 'x' } }] } : {}),
  }));
  t.engine.simulated.script({ match: 'four turns', script: { turns } });
  const doc = await t.engine.createDocument({ name: 'N.md', mimeType: 'text/markdown', content: 'x y z' });
  const wf = await t.engine.createWorkflow({
    name: 'Pause me',
    pattern: 'SEQUENCE',
    runtimeId: 'simulated',
    documentIds: [doc.id],
    steps: [{ id: 'work', name: 'Work', prompt: 'four turns', budgetUsd: 0.0001 }],
  });
  const runId = (await t.engine.executeWorkflow(wf.id)).run.id;
  await t.engine.waitForRun(runId);
  const paused = (await t.gql(RUN, { id: runId })).data.workflowRun;
  expect(paused.status).toBe('PAUSED');
  expect(paused.steps[0]).toMatchObject({ status: 'PAUSED', turns: 1, failureCategory: 'BUDGET_EXCEEDED', turnsReused: 0, reusedUsd: 0 });
  expect(paused.steps[0].error).toMatch(/^Paused: /);

  const low = (await t.gql(RESUME, { workflowId: wf.id, stepId: 'work', budgetUsd: 0.0001 })).data.resumeWorkflowStep;
  expect(low).toMatchObject({ run: null, errors: [{ field: ['budgetUsd'], code: 'OUT_OF_RANGE' }] });
  const unknown = (await t.gql(RESUME, { workflowId: wf.id, stepId: 'nope' })).data.resumeWorkflowStep;
  expect(unknown.errors).toMatchObject([{ field: ['stepId'], code: 'NOT_FOUND' }]);
  expect((await t.gql(RUN, { id: runId })).data.workflowRun).toEqual(paused);

  const resumed = (await t.gql(RESUME, { workflowId: wf.id, stepId: 'work', budgetUsd: 1 })).data.resumeWorkflowStep;
  expect(resumed.errors).toEqual([]);
  await t.engine.waitForRun(runId);
  const done = (await t.gql(RUN, { id: runId })).data.workflowRun;
  expect(done.status).toBe('COMPLETED');
  expect(done.steps[0]).toMatchObject({ status: 'COMPLETED', turns: 4, turnsReused: 1, budgetUsd: 1 });
  expect(done.steps[0].reusedUsd).toBeCloseTo(paused.steps[0].costUsd, 9);
  expect(done.reusedUsd).toBeCloseTo(paused.steps[0].costUsd, 9);
  const live = (await t.gql(RESUME, { workflowId: wf.id, stepId: 'work', budgetUsd: 2 })).data.resumeWorkflowStep;
  expect(live.errors).toMatchObject([{ field: ['stepId'], code: 'NOT_APPLICABLE' }]);
});
