import { createContext, schema } from '@stagent/schema';
import { execute, parse } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineApi } from '@stagent/engine';
import { createTestApp, definitionInput, type TestApp } from '../test/harness.js';

let t: TestApp;
afterEach(async () => {
  await t?.dispose();
});

/** The same operation through the app (compiled) and through graphql-js's `execute`, on the same engine. */
async function both(query: string, variables: Record<string, unknown> = {}) {
  const served = await t.gql(query, variables);
  const interpreted = JSON.parse(
    JSON.stringify(await execute({ schema, document: parse(query), variableValues: variables, contextValue: createContext(t.engine) })),
  );
  return { served, interpreted };
}

describe('compiled queries', () => {
  it('return what graphql-js returns: variables, fragments, directives, nested lists, enums and scalars', async () => {
    t = await createTestApp();
    for (let i = 0; i < 3; i++) {
      const wf = await t.engine.createWorkflow(definitionInput({ name: `Workflow ${i}` }) as never);
      await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    }
    const query = /* GraphQL */ `
      query List($first: Int!, $withRuns: Boolean!) {
        workflows(first: $first) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            ...Card
          }
        }
      }
      fragment Card on Workflow {
        id
        name
        pattern
        status
        updatedAt
        config
        steps {
          id
          name
          budgetUsd
        }
        latestRun {
          id
          runNumber
          status
          startedAt
          costUsd
          steps {
            stepId
            status
            costUsd
            budgetUsd
          }
        }
        runs(first: 5) @include(if: $withRuns) {
          id
          status
        }
      }
    `;
    for (const variables of [
      { first: 2, withRuns: true },
      { first: 50, withRuns: false },
    ]) {
      const { served, interpreted } = await both(query, variables);
      expect(served.errors).toBeUndefined();
      expect(served).toEqual(interpreted);
    }
  });

  it('report errors with the same path and locations as graphql-js, masked', async () => {
    t = await createTestApp({
      wrapEngine: (engine) =>
        new Proxy(engine, {
          get: (target, key, receiver) =>
            key === 'listRunsForWorkflows' ? () => Promise.reject(new Error('disk on fire')) : Reflect.get(target, key, receiver),
        }) as EngineApi,
    });
    await t.engine.createWorkflow(definitionInput() as never);
    const res = await t.gql(`query {\n  workflows { nodes { id\n    latestRun { id } } }\n}`);
    expect(res.data).toEqual({ workflows: { nodes: [{ id: expect.any(String), latestRun: null }] } });
    expect(res.errors).toEqual([
      {
        message: 'Unexpected error.',
        locations: [{ line: 3, column: 5 }],
        path: ['workflows', 'nodes', 0, 'latestRun'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
    expect(JSON.stringify(res)).not.toContain('disk on fire');
  });

  it('refuse bad variables as graphql-js does', async () => {
    t = await createTestApp();
    const res = await t.gql(`query ($first: Int!) { workflows(first: $first) { totalCount } }`, { first: 'many' });
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0].message).toMatch(/\$first/);
  });
});
