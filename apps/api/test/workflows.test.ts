import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, definitionInput, WORKFLOW_FIELDS, type TestApp } from './harness.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.dispose());

const CREATE = /* GraphQL */ `
  mutation Create($input: WorkflowDefinitionInput!) {
    createWorkflow(input: $input) { workflow { ${WORKFLOW_FIELDS} } errors { field message code } }
  }
`;
const UPDATE = /* GraphQL */ `
  mutation Update($id: ID!, $input: WorkflowDefinitionInput!) {
    updateWorkflow(id: $id, input: $input) { workflow { ${WORKFLOW_FIELDS} } errors { field message code } }
  }
`;
const DELETE = /* GraphQL */ `
  mutation Delete($id: ID!) {
    deleteWorkflow(id: $id) {
      deletedId
      errors {
        field
        message
        code
      }
    }
  }
`;
const LIST = /* GraphQL */ `
  query List($first: Int, $after: String, $status: WorkflowStatus) {
    workflows(first: $first, after: $after, status: $status) { totalCount pageInfo { hasNextPage endCursor } nodes { ${WORKFLOW_FIELDS} } }
  }
`;

async function create(overrides: Record<string, unknown> = {}) {
  const res = await t.gql(CREATE, { input: definitionInput(overrides) });
  expect(res.errors).toBeUndefined();
  expect(res.data.createWorkflow.errors).toEqual([]);
  return res.data.createWorkflow.workflow;
}

async function snapshotAll() {
  return (await t.gql(LIST, { first: 200 })).data.workflows;
}

describe('createWorkflow', () => {
  it('creates a DRAFT workflow with its steps and document bindings', async () => {
    const doc = await t.gql(/* GraphQL */ `
      mutation {
        createDocument(name: "notes.md", mimeType: "text/markdown", content: "# Notes\\nFacts.") {
          document {
            id
          }
          errors {
            code
          }
        }
      }
    `);
    const docId = doc.data.createDocument.document.id;
    const workflow = await create({ documentIds: [docId], steps: [{ id: 'gather', name: 'Gather', prompt: 'Gather.', documentIds: [docId], maxTurns: 3 }] });
    expect(workflow).toMatchObject({
      name: 'Research brief',
      pattern: 'SEQUENCE',
      status: 'DRAFT',
      runtimeId: 'simulated',
      budgetUsd: 1,
      steps: [{ id: 'gather', name: 'Gather', prompt: 'Gather.', maxTurns: 3, documentIds: [docId] }],
    });
    expect(workflow.documents).toEqual(
      expect.arrayContaining([
        { stepId: null, document: { id: docId, name: 'notes.md' } },
        { stepId: 'gather', document: { id: docId, name: 'notes.md' } },
      ]),
    );
    const one = await t.gql(
      /* GraphQL */ `
        query ($id: ID!) {
          workflow(id: $id) {
            id
            createdAt
            updatedAt
          }
        }
      `,
      { id: workflow.id },
    );
    expect(one.data.workflow.id).toBe(workflow.id);
    expect(one.data.workflow.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('reports each invalid field as a UserError and stores nothing', async () => {
    const before = await snapshotAll();
    const res = await t.gql(CREATE, {
      input: definitionInput({
        steps: [
          { name: 'A', prompt: 'a', budgetUsd: -1 },
          { name: '', prompt: 'b', maxTurns: 500 },
        ],
      }),
    });
    expect(res.errors).toBeUndefined();
    const { workflow, errors } = res.data.createWorkflow;
    expect(workflow).toBeNull();
    expect(errors.length).toBeGreaterThanOrEqual(3);
    const fields = errors.map((e: { field: string[] }) => e.field?.join('.'));
    expect(fields).toEqual(expect.arrayContaining(['steps.0.budgetUsd', 'steps.1.name', 'steps.1.maxTurns']));
    for (const error of errors) {
      expect(typeof error.code).toBe('string');
      expect(error.message.length).toBeGreaterThan(5);
    }
    expect(await snapshotAll()).toEqual(before);
  });

  it('rejects an unknown runtime and an unknown document by field', async () => {
    const res = await t.gql(CREATE, { input: definitionInput({ runtimeId: 'no-such-runtime', documentIds: ['missing-doc'] }) });
    const fields = res.data.createWorkflow.errors.map((e: { field: string[] }) => e.field?.join('.'));
    expect(fields).toEqual(expect.arrayContaining(['runtimeId']));
    expect(res.data.createWorkflow.errors.some((e: { field: string[] | null }) => e.field?.[0] === 'documentIds')).toBe(true);
    expect((await snapshotAll()).totalCount).toBe(0);
  });

  it('a value of the wrong GraphQL type is a request error, not a UserError', async () => {
    const res = await t.gql(CREATE, { input: { ...definitionInput(), pattern: 'ZIGZAG' } });
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0].message).toMatch(/ZIGZAG/);
  });
});

describe('updateWorkflow', () => {
  it('replaces the definition and keeps given step ids', async () => {
    const created = await create();
    const res = await t.gql(UPDATE, {
      id: created.id,
      input: definitionInput({ name: 'Renamed', steps: [{ id: 'gather', name: 'Gather more', prompt: 'More.' }] }),
    });
    expect(res.data.updateWorkflow.errors).toEqual([]);
    expect(res.data.updateWorkflow.workflow).toMatchObject({ id: created.id, name: 'Renamed', steps: [{ id: 'gather', name: 'Gather more' }] });
  });

  it('NOT_FOUND for an unknown id, validation errors leave the stored workflow unchanged', async () => {
    const created = await create();
    const missing = await t.gql(UPDATE, { id: 'nope', input: definitionInput() });
    expect(missing.data.updateWorkflow).toMatchObject({ workflow: null, errors: [{ code: 'NOT_FOUND' }] });
    const before = await snapshotAll();
    const bad = await t.gql(UPDATE, { id: created.id, input: definitionInput({ name: ' ', steps: [] }) });
    expect(bad.data.updateWorkflow.workflow).toBeNull();
    expect(bad.data.updateWorkflow.errors.map((e: { field: string[] }) => e.field?.[0])).toEqual(expect.arrayContaining(['name', 'steps']));
    expect(await snapshotAll()).toEqual(before);
  });
});

describe('deleteWorkflow', () => {
  it('deletes, then NOT_FOUND on the second attempt', async () => {
    const created = await create();
    const ok = await t.gql(DELETE, { id: created.id });
    expect(ok.data.deleteWorkflow).toEqual({ deletedId: created.id, errors: [] });
    const again = await t.gql(DELETE, { id: created.id });
    expect(again.data.deleteWorkflow.deletedId).toBeNull();
    expect(again.data.deleteWorkflow.errors).toMatchObject([{ code: 'NOT_FOUND', field: ['id'] }]);
    const gone = await t.gql(
      /* GraphQL */ `
        query ($id: ID!) {
          workflow(id: $id) {
            id
          }
        }
      `,
      { id: created.id },
    );
    expect(gone.data.workflow).toBeNull();
  });
});

describe('workflows', () => {
  it('pages with first/after and filters by status', async () => {
    for (let i = 0; i < 5; i++) await create({ name: `Workflow ${i}` });
    const first = (await t.gql(LIST, { first: 2 })).data.workflows;
    expect(first.totalCount).toBe(5);
    expect(first.nodes).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await t.gql(LIST, { first: 10, after: first.pageInfo.endCursor })).data.workflows;
    expect(second.nodes).toHaveLength(3);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const ids = new Set([...first.nodes, ...second.nodes].map((w: { id: string }) => w.id));
    expect(ids.size).toBe(5);
    const drafts = (await t.gql(LIST, { status: 'DRAFT' })).data.workflows;
    expect(drafts.totalCount).toBe(5);
    const completed = (await t.gql(LIST, { status: 'COMPLETED' })).data.workflows;
    expect(completed.totalCount).toBe(0);
  });
});
