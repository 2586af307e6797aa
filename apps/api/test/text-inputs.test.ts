import type { EngineApi } from '@stagent/engine';
import { TEXT_LIMITS } from '@stagent/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, definitionInput, type GraphQLResponse, type TestApp } from './harness.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

/** Code, response path, argument path and issue code of each error. */
const refusals = (res: GraphQLResponse) =>
  res.errors?.map((e) => {
    const issue = (e.extensions?.issues as { field: string[]; code: string }[] | undefined)?.[0];
    return { code: e.extensions?.code, path: e.path, field: issue?.field, issue: issue?.code };
  });

/** An engine whose calls are counted by method name (the schema calls only the facade). */
function counting(calls: string[]) {
  return (engine: EngineApi): EngineApi =>
    new Proxy(engine, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? (...args: unknown[]) => (calls.push(String(key)), value.apply(target, args)) : value;
      },
    });
}

const CREATE_WORKFLOW = `mutation ($input: WorkflowDefinitionInput!) { createWorkflow(input: $input) { workflow { id } errors { field code } } }`;
const CREATE_DOCUMENT = `mutation ($name: String!, $content: String!) { createDocument(name: $name, mimeType: "text/plain", content: $content) { document { id } errors { field code } } }`;
const CREATE_SCHEDULE = `mutation ($name: String!, $prompt: String!, $expression: String!) { createSchedule(name: $name, prompt: $prompt, expression: $expression, runtimeId: "simulated") { schedule { id } errors { field code } } }`;
const UPDATE_SETTINGS = `mutation ($input: [SettingInput!]!) { updateSettings(input: $input) { errors { field code } } }`;

describe('text length limits', () => {
  it('refuses a 2 MB schedule expression by its length, before the parser sees it, echoing none of it', async () => {
    const calls: string[] = [];
    t = await createTestApp({ wrapEngine: counting(calls) });
    const word = 'x'.repeat(2_000_000);
    const parse = await t.gql(`query ($e: String!) { parseSchedule(expression: $e) { ok error } }`, { e: word });
    expect(refusals(parse)).toEqual([{ code: 'BAD_USER_INPUT', path: ['parseSchedule'], field: ['expression'], issue: 'OUT_OF_RANGE' }]);
    expect(parse.errors?.[0]?.message).toBe(`expression is 2,000,000 characters long; the limit is ${TEXT_LIMITS.expression}. Shorten it.`);
    const create = await t.gql(CREATE_SCHEDULE, { name: 'Daily', prompt: 'Say hi.', expression: word });
    expect(refusals(create)).toEqual([{ code: 'BAD_USER_INPUT', path: ['createSchedule'], field: ['expression'], issue: 'OUT_OF_RANGE' }]);
    expect(calls.filter((c) => c === 'parseSchedule' || c === 'createSchedule')).toEqual([]);
    // At the limit it reaches the parser.
    const atLimit = await t.gql(`query ($e: String!) { parseSchedule(expression: $e) { ok } }`, { e: 'x'.repeat(TEXT_LIMITS.expression) });
    expect(atLimit.errors).toBeUndefined();
    expect(calls).toContain('parseSchedule');
  });

  it('refuses long setting values (a URL, a secret) and names with the field path, and stores nothing', async () => {
    t = await createTestApp();
    const before = (await t.gql(`{ settings { key value isSet } }`)).data.settings;
    const url = `http://127.0.0.1:11434/${'a'.repeat(TEXT_LIMITS.setting)}`;
    const settings = await t.gql(UPDATE_SETTINGS, {
      input: [
        { key: 'ollama.baseUrl', value: url },
        { key: 'anthropic.apiKey', value: `sk-${'k'.repeat(5_000)}` },
      ],
    });
    expect(refusals(settings)).toEqual([
      { code: 'BAD_USER_INPUT', path: ['updateSettings'], field: ['input', '0', 'value'], issue: 'OUT_OF_RANGE' },
      { code: 'BAD_USER_INPUT', path: ['updateSettings'], field: ['input', '1', 'value'], issue: 'OUT_OF_RANGE' },
    ]);
    expect(JSON.stringify(settings)).not.toContain('kkkkkkkkkk');
    expect((await t.gql(`{ settings { key value isSet } }`)).data.settings).toEqual(before);

    const name = 'N'.repeat(TEXT_LIMITS.name + 1);
    const workflow = await t.gql(CREATE_WORKFLOW, { input: definitionInput({ name, steps: [{ name, prompt: 'p'.repeat(TEXT_LIMITS.prompt + 1) }] }) });
    expect(refusals(workflow)).toEqual([
      { code: 'BAD_USER_INPUT', path: ['createWorkflow'], field: ['input', 'name'], issue: 'OUT_OF_RANGE' },
      { code: 'BAD_USER_INPUT', path: ['createWorkflow'], field: ['input', 'steps', '0', 'name'], issue: 'OUT_OF_RANGE' },
      { code: 'BAD_USER_INPUT', path: ['createWorkflow'], field: ['input', 'steps', '0', 'prompt'], issue: 'OUT_OF_RANGE' },
    ]);
    const id = await t.gql(`query ($id: ID!) { workflow(id: $id) { id } }`, { id: 'i'.repeat(TEXT_LIMITS.id + 1) });
    expect(refusals(id)).toEqual([{ code: 'BAD_USER_INPUT', path: ['workflow'], field: ['id'], issue: 'OUT_OF_RANGE' }]);
    expect((await t.gql(`{ workflows { totalCount } }`)).data.workflows.totalCount).toBe(0);
  });
});

describe('NUL characters', () => {
  it('refuses a NUL in every text input with its path: no INTERNAL_SERVER_ERROR, nothing stored, nothing logged', async () => {
    const statements: string[] = [];
    t = await createTestApp({ onQuery: (sql) => statements.push(sql) });
    const nul = (what: string) => `${what}-marker-7f3a\u0000rest`;
    const cases: [string, Record<string, unknown>, string[][]][] = [
      [
        CREATE_WORKFLOW,
        { input: definitionInput({ name: nul('name'), description: nul('description') }) },
        [
          ['input', 'description'],
          ['input', 'name'],
        ],
      ],
      [CREATE_WORKFLOW, { input: definitionInput({ steps: [{ name: 'One', prompt: nul('prompt') }] }) }, [['input', 'steps', '0', 'prompt']]],
      [CREATE_DOCUMENT, { name: nul('doc-name'), content: 'fine' }, [['name']]],
      [CREATE_DOCUMENT, { name: 'notes.txt', content: nul('doc-content') }, [['content']]],
      [CREATE_SCHEDULE, { name: nul('schedule-name'), prompt: 'Say hi.', expression: 'every day at 9am' }, [['name']]],
      [CREATE_SCHEDULE, { name: 'Daily', prompt: nul('schedule-prompt'), expression: 'every day at 9am' }, [['prompt']]],
      [UPDATE_SETTINGS, { input: [{ key: 'ollama.baseUrl', value: nul('http://127.0.0.1') }] }, [['input', '0', 'value']]],
    ];
    for (const [query, variables, fields] of cases) {
      const res = await t.gql(query, variables);
      const label = JSON.stringify(fields);
      expect(res.data, label).toBeUndefined();
      expect(
        refusals(res)?.map((r) => [r.code, r.issue, r.field]),
        label,
      ).toEqual(fields.map((field) => ['BAD_USER_INPUT', 'INVALID_VALUE', field]));
    }
    const stored = await t.gql(`{ workflows { totalCount } documents { id } schedules { id } }`);
    expect(stored.data).toEqual({ workflows: { totalCount: 0 }, documents: [], schedules: [] });
    expect(t.logged).toEqual([]);
    expect(statements.filter((sql) => sql.includes('7f3a'))).toEqual([]);
  });
});
