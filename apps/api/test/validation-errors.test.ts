import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, definitionInput, WORKFLOW_FIELDS, type TestApp } from './harness.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.dispose());

interface Issue {
  field: string[] | null;
  code: string;
  message: string;
}

const ERRORS = 'errors { field message code }';
const CREATE = /* GraphQL */ `mutation ($input: WorkflowDefinitionInput!) { createWorkflow(input: $input) { workflow { id } ${ERRORS} } }`;
const UPDATE = /* GraphQL */ `mutation ($id: ID!, $input: WorkflowDefinitionInput!) { updateWorkflow(id: $id, input: $input) { workflow { id } ${ERRORS} } }`;
const ESTIMATE = /* GraphQL */ `
  query ($input: WorkflowDefinitionInput!) {
    estimateWorkflowCost(input: $input) {
      totalUsd
    }
  }
`;
const WORKFLOWS = /* GraphQL */ `{ workflows(first: 50) { totalCount nodes { ${WORKFLOW_FIELDS} } } }`;

/** Each problem as "field path: code", sorted, so a test states the whole list. */
function summary(issues: Issue[]): string[] {
  for (const issue of issues) expect(issue.message.length).toBeGreaterThan(10);
  return issues.map((i) => `${i.field?.join('.') ?? '-'}: ${i.code}`).sort();
}

/** Shape problems (a negative budget, turns out of range) next to reference problems (runtimes, a model, documents). */
const mixed = definitionInput({
  runtimeId: 'gpt-runner',
  documentIds: ['missing-global'],
  steps: [
    { id: 'gather', name: 'Gather', prompt: 'Gather the facts.', budgetUsd: -1 },
    { id: 'check', name: 'Check', prompt: 'Check them.', runtimeId: 'nope', maxTurns: 0 },
    { id: 'write', name: 'Write', prompt: 'Write the brief.', runtimeId: 'simulated', modelId: 'gpt-4o', documentIds: ['missing-step'] },
  ],
});
const mixedSummary = [
  'documentIds.0: NOT_FOUND',
  'runtimeId: NOT_FOUND',
  'steps.0.budgetUsd: OUT_OF_RANGE',
  'steps.1.maxTurns: OUT_OF_RANGE',
  'steps.1.runtimeId: NOT_FOUND',
  'steps.2.documentIds.0: NOT_FOUND',
  'steps.2.modelId: NOT_FOUND',
];

describe('every validation error in one response', () => {
  it('createWorkflow: an unknown runtime id and a step budget of -1 come back together', async () => {
    const res = await t.gql(CREATE, {
      input: definitionInput({ runtimeId: 'gpt-runner', steps: [{ id: 'gather', name: 'Gather', prompt: 'Gather.', budgetUsd: -1 }] }),
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.createWorkflow.workflow).toBeNull();
    expect(summary(res.data.createWorkflow.errors)).toEqual(['runtimeId: NOT_FOUND', 'steps.0.budgetUsd: OUT_OF_RANGE']);
    expect((await t.gql(WORKFLOWS)).data.workflows.totalCount).toBe(0);
  });

  it('createWorkflow: shape, structure and reference problems of one definition at once', async () => {
    const res = await t.gql(CREATE, { input: mixed });
    expect(summary(res.data.createWorkflow.errors)).toEqual(mixedSummary);
    const loop = await t.gql(CREATE, { input: definitionInput({ pattern: 'LOOP', config: { maxIterations: 3 }, steps: [...mixed.steps.slice(0, 2)] }) });
    expect(summary(loop.data.createWorkflow.errors)).toEqual([
      'steps.0.budgetUsd: OUT_OF_RANGE',
      'steps.1.maxTurns: OUT_OF_RANGE',
      'steps.1.runtimeId: NOT_FOUND',
      'steps: INVALID_DEFINITION',
    ]);
    expect((await t.gql(WORKFLOWS)).data.workflows.totalCount).toBe(0);
  });

  it('updateWorkflow: the same list, and the stored workflow untouched', async () => {
    const created = await t.gql(CREATE, { input: definitionInput() });
    const id = created.data.createWorkflow.workflow.id;
    const before = (await t.gql(WORKFLOWS)).data;
    expect(before.workflows.totalCount).toBe(1);
    const res = await t.gql(UPDATE, { id, input: mixed });
    expect(res.data.updateWorkflow.workflow).toBeNull();
    expect(summary(res.data.updateWorkflow.errors)).toEqual(mixedSummary);
    const missing = await t.gql(UPDATE, { id: 'no-such-workflow', input: definitionInput({ runtimeId: 'gpt-runner' }) });
    expect(summary(missing.data.updateWorkflow.errors)).toEqual(['id: NOT_FOUND', 'runtimeId: NOT_FOUND']);
    expect((await t.gql(WORKFLOWS)).data).toEqual(before);
  });

  it('estimateWorkflowCost: one BAD_USER_INPUT error listing every problem', async () => {
    const res = await t.gql(ESTIMATE, { input: mixed });
    expect(res.data).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(summary(res.errors![0]!.extensions!.issues as Issue[])).toEqual(mixedSummary);
  });

  it('createSchedule: every bad field at once, and nothing stored', async () => {
    const res = await t.gql(/* GraphQL */ `mutation {
      createSchedule(name: " ", prompt: "Summarise the news.", expression: "whenever", timezone: "Mars/Olympus", runtimeId: "gpt-runner", budgetUsd: -1) {
        schedule { id } ${ERRORS} } }`);
    expect(res.data.createSchedule.schedule).toBeNull();
    expect(summary(res.data.createSchedule.errors)).toEqual([
      'budgetUsd: OUT_OF_RANGE',
      'expression: INVALID_VALUE',
      'name: INVALID_VALUE',
      'runtimeId: NOT_FOUND',
      'timezone: INVALID_VALUE',
    ]);
    const workflow = await t.gql(/* GraphQL */ `mutation {
      createSchedule(name: "Nightly", prompt: "", expression: "every day at 25pm", workflowId: "no-such-workflow") { schedule { id } ${ERRORS} } }`);
    expect(summary(workflow.data.createSchedule.errors)).toEqual(['expression: INVALID_VALUE', 'workflowId: NOT_FOUND']);
    expect((await t.gql(`{ schedules { id } }`)).data.schedules).toEqual([]);
  });
});
