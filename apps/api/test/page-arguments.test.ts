import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, definitionInput, type GraphQLResponse, type TestApp } from './harness.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

/** The code, response path and argument path of each error. */
const refusals = (res: GraphQLResponse) =>
  res.errors?.map((e) => ({ code: e.extensions?.code, path: e.path, field: (e.extensions?.issues as { field: string[] }[] | undefined)?.[0]?.field }));

describe('page sizes and cursors', () => {
  it('refuses the aliased negative-first query before anything runs (it cost less than nothing before)', async () => {
    const statements: string[] = [];
    t = await createTestApp({ onQuery: (sql) => statements.push(sql) });
    await t.gql(`mutation ($input: WorkflowDefinitionInput!) { createWorkflow(input: $input) { errors { code } } }`, { input: definitionInput() });
    statements.length = 0;
    const res = await t.gql(`{ workflows(first:200){ nodes { runs(first:100){ steps { output } } } } n: workflows(first:-1000000){ nodes { id } } }`);
    expect(res.data).toBeUndefined();
    expect(refusals(res)).toEqual([{ code: 'BAD_USER_INPUT', path: ['n'], field: ['first'] }]);
    expect(res.errors?.[0]?.message).toBe('first must be from 1 to 200, got -1000000.');
    expect(statements).toEqual([]);
    // Without the alias the same list is over the cost limit, as it always was.
    const alone = await t.gql(`{ workflows(first:200){ nodes { runs(first:100){ steps { output } } } } }`);
    expect(alone.errors?.map((e) => e.extensions?.code)).toEqual(['COST_LIMIT']);
  });

  it('refuses every out-of-range page size, as a literal or a variable, with the argument path', async () => {
    t = await createTestApp();
    for (const first of [-1, 0, 201]) {
      expect(refusals(await t.gql(`{ workflows(first: ${first}) { totalCount } }`)), `workflows ${first}`).toEqual([
        { code: 'BAD_USER_INPUT', path: ['workflows'], field: ['first'] },
      ]);
      expect(refusals(await t.gql(`query ($n: Int) { workflows(first: $n) { totalCount } }`, { n: first })), `workflows $n=${first}`).toEqual([
        { code: 'BAD_USER_INPUT', path: ['workflows'], field: ['first'] },
      ]);
    }
    for (const first of [-1, 0, 101]) {
      expect(refusals(await t.gql(`{ workflows { nodes { runs(first: ${first}) { id } } } }`)), `runs ${first}`).toEqual([
        { code: 'BAD_USER_INPUT', path: ['workflows', 'nodes', 'runs'], field: ['first'] },
      ]);
    }
    expect((await t.gql(`{ workflows(first: 1) { nodes { runs(first: 100) { id } } } }`)).errors).toBeUndefined();
    expect((await t.gql(`{ workflows(first: 200) { totalCount } }`)).errors).toBeUndefined();
  });

  it('counts a page size passed as a variable at its value, not at the variable default', async () => {
    t = await createTestApp();
    const query = `query ($n: Int = 1) { workflows(first: $n) { nodes { runs(first: 100) { steps { output } } } } }`;
    expect((await t.gql(query)).errors).toBeUndefined();
    expect((await t.gql(query, { n: 200 })).errors?.map((e) => e.extensions?.code)).toEqual(['COST_LIMIT']);
  });

  it('refuses a cursor it did not hand out instead of returning the first page', async () => {
    t = await createTestApp();
    for (let i = 0; i < 3; i++)
      await t.gql(`mutation ($input: WorkflowDefinitionInput!) { createWorkflow(input: $input) { errors { code } } }`, {
        input: definitionInput({ name: `W${i}` }),
      });
    const first = (await t.gql(`{ workflows(first: 2) { nodes { name } pageInfo { endCursor } } }`)).data.workflows;
    const next = await t.gql(`query ($after: String) { workflows(first: 2, after: $after) { nodes { name } } }`, { after: first.pageInfo.endCursor });
    expect(next.data.workflows.nodes).toHaveLength(1);
    for (const after of ['garbage', '', 'MTA=', 'LTE', 'x'.repeat(10_000)]) {
      const res = await t.gql(`query ($after: String) { workflows(first: 2, after: $after) { nodes { name } } }`, { after });
      expect(res.data, after.slice(0, 20)).toBeUndefined();
      expect(refusals(res), after.slice(0, 20)).toEqual([{ code: 'BAD_USER_INPUT', path: ['workflows'], field: ['after'] }]);
      expect(res.errors?.[0]?.message.length).toBeLessThan(200);
    }
  });
});
