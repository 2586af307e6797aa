import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.dispose());

const ERRORS = 'errors { field message code }';
const SETTINGS = /* GraphQL */ `
  {
    settings {
      key
      value
      isSet
    }
  }
`;

describe('updateSettings: the kind of a value before its range', () => {
  it('a string for a number setting is WRONG_TYPE, saying what was expected; nothing changes', async () => {
    const before = (await t.gql(SETTINGS)).data.settings;
    const res = await t.gql(/* GraphQL */ `mutation ($input: [SettingInput!]!) { updateSettings(input: $input) { ${ERRORS} } }`, {
      input: [
        { key: 'budget.maxCostPerTaskUsd', value: '5' },
        { key: 'runtime.maxTurns', value: 12 },
        { key: 'ollama.baseUrl', value: 11434 },
      ],
    });
    expect(res.data.updateSettings.errors).toEqual([
      { field: ['input', '0', 'value'], code: 'WRONG_TYPE', message: 'budget.maxCostPerTaskUsd must be a number; got a string.' },
      { field: ['input', '2', 'value'], code: 'WRONG_TYPE', message: 'ollama.baseUrl must be a string; got a number.' },
    ]);
    expect((await t.gql(SETTINGS)).data.settings).toEqual(before);
  });

  it('1e309 written as a literal is OUT_OF_RANGE: too large to represent', async () => {
    const res = await t.gql(/* GraphQL */ `mutation { updateSettings(input: [{ key: "budget.maxDailyCostUsd", value: 1e309 }]) { ${ERRORS} } }`);
    expect(res.data.updateSettings.errors).toEqual([
      {
        field: ['input', '0', 'value'],
        code: 'OUT_OF_RANGE',
        message: 'budget.maxDailyCostUsd must be between 1 and 500; the number given is too large to represent.',
      },
    ]);
  });

  it('a number out of range stays OUT_OF_RANGE', async () => {
    const res = await t.gql(/* GraphQL */ `mutation { updateSettings(input: [{ key: "budget.maxCostPerTaskUsd", value: 500 }]) { ${ERRORS} } }`);
    expect(res.data.updateSettings.errors).toMatchObject([{ field: ['input', '0', 'value'], code: 'OUT_OF_RANGE' }]);
  });
});

describe('numbers too large to be finite in a definition', () => {
  const definition = (budget: string, stepBudget: string) => /* GraphQL */ `{
    name: "Brief", pattern: SEQUENCE, runtimeId: "simulated", budgetUsd: ${budget},
    steps: [{ id: "gather", name: "Gather", prompt: "Gather the facts.", budgetUsd: ${stepBudget} }] }`;

  it('createWorkflow: budgetUsd: 1e309 as a literal is OUT_OF_RANGE, not "required"', async () => {
    const res = await t.gql(/* GraphQL */ `mutation { createWorkflow(input: ${definition('1e309', '-1e309')}) { workflow { id } ${ERRORS} } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.createWorkflow).toEqual({
      workflow: null,
      errors: [
        { field: ['budgetUsd'], code: 'OUT_OF_RANGE', message: 'budgetUsd is out of range: the number given is too large to represent.' },
        { field: ['steps', '0', 'budgetUsd'], code: 'OUT_OF_RANGE', message: 'steps.0.budgetUsd is out of range: the number given is too large to represent.' },
      ],
    });
    expect((await t.gql(`{ workflows { totalCount } }`)).data.workflows.totalCount).toBe(0);
  });

  it('estimateWorkflowCost: the same issue in BAD_USER_INPUT', async () => {
    const res = await t.gql(/* GraphQL */ `{ estimateWorkflowCost(input: ${definition('2', '1e309')}) { totalUsd } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      issues: [
        { field: ['steps', '0', 'budgetUsd'], code: 'OUT_OF_RANGE', message: 'steps.0.budgetUsd is out of range: the number given is too large to represent.' },
      ],
    });
  });

  it('createSchedule: budgetUsd: 1e309 is OUT_OF_RANGE', async () => {
    const res = await t.gql(
      /* GraphQL */ `mutation { createSchedule(name: "News", prompt: "Summarise the news.", expression: "every day at 8am", budgetUsd: 1e309) { schedule { id } ${ERRORS} } }`,
    );
    expect(res.data.createSchedule.errors).toMatchObject([{ field: ['budgetUsd'], code: 'OUT_OF_RANGE' }]);
  });
});

describe('a name of only zero-width characters is empty', () => {
  /** U+200B, U+200C, U+200D, U+2060 and U+FEFF between spaces, sent as a variable. */
  const invisible = ' \u200B\u200C\u200D\u2060\uFEFF ';
  const blank = (what: string) => `Give the ${what} a name; whitespace and zero-width characters alone do not count.`;

  it('createWorkflow refuses such a workflow name and step name', async () => {
    const res = await t.gql(/* GraphQL */ `mutation ($input: WorkflowDefinitionInput!) { createWorkflow(input: $input) { workflow { id } ${ERRORS} } }`, {
      input: { name: invisible, pattern: 'SEQUENCE', runtimeId: 'simulated', steps: [{ id: 'a', name: '\u200B\u200D', prompt: 'Do A.' }] },
    });
    expect(res.data.createWorkflow).toEqual({
      workflow: null,
      errors: [
        { field: ['name'], code: 'INVALID_DEFINITION', message: blank('workflow') },
        { field: ['steps', '0', 'name'], code: 'INVALID_DEFINITION', message: blank('step') },
      ],
    });
    expect((await t.gql(`{ workflows { totalCount } }`)).data.workflows.totalCount).toBe(0);
  });

  it('createDocument and createSchedule refuse such a name (written as GraphQL escapes)', async () => {
    const doc = await t.gql(
      /* GraphQL */ `mutation { createDocument(name: "\\u200B\\uFEFF", mimeType: "text/plain", content: "Facts.") { document { id } ${ERRORS} } }`,
    );
    expect(doc.data.createDocument).toEqual({ document: null, errors: [{ field: ['name'], code: 'INVALID_VALUE', message: blank('document') }] });
    const schedule = await t.gql(
      /* GraphQL */ `mutation ($name: String!) { createSchedule(name: $name, prompt: "Summarise the news.", expression: "every day at 8am") { schedule { id } ${ERRORS} } }`,
      { name: invisible },
    );
    expect(schedule.data.createSchedule).toEqual({ schedule: null, errors: [{ field: ['name'], code: 'INVALID_VALUE', message: blank('schedule') }] });
    expect((await t.gql(`{ documents { id } schedules { id } }`)).data).toEqual({ documents: [], schedules: [] });
  });

  it('a visible name with a zero-width character in it is kept as given', async () => {
    const res = await t.gql(
      /* GraphQL */ `mutation { createDocument(name: "notes\\u200B.md", mimeType: "text/plain", content: "Facts.") { document { name } ${ERRORS} } }`,
    );
    expect(res.data.createDocument).toEqual({ document: { name: 'notes\u200B.md' }, errors: [] });
  });
});
