import { describe, expect, it } from 'vitest';
import { createTestApp, definitionInput } from './harness.js';

/** The dashboard's nested list: every relation of a workflow that has a loader, the cost estimate included. */
const RELATIONS = /* GraphQL */ `
  query {
    workflows(first: 100) {
      totalCount
      nodes {
        id
        name
        status
        steps {
          id
          name
        }
        documents {
          stepId
          document {
            id
            name
            sizeBytes
          }
        }
        latestRun {
          id
          status
          costUsd
          steps {
            stepId
            status
            costUsd
          }
        }
        runs(first: 3) {
          id
          runNumber
          status
        }
        costEstimate {
          totalUsd
          budgetUsd
          steps {
            stepId
            estimatedUsd
          }
        }
      }
    }
  }
`;

/**
 * Creates `count` workflows (each with a global and a step document and one finished run), then
 * counts the SQL statements of each query. The engine's read cache is off: a repeated list
 * would otherwise be answered without reading, and this counts what a read costs.
 */
async function statementsFor(count: number, queries: string[]): Promise<number[]> {
  let counting = false;
  let statements = 0;
  const t = await createTestApp({
    readCache: false,
    onQuery: () => {
      if (counting) statements += 1;
    },
  });
  try {
    const docs = [];
    for (const name of ['a.md', 'b.md']) {
      docs.push((await t.engine.createDocument({ name, mimeType: 'text/markdown', content: `# ${name}\nSome facts.` })).id);
    }
    for (let i = 0; i < count; i++) {
      const workflow = await t.engine.createWorkflow(
        definitionInput({
          name: `Workflow ${i}`,
          documentIds: [docs[0]],
          steps: [{ id: 'only', name: 'Only', prompt: 'Do it.', documentIds: [docs[1]] }],
        }) as never,
      );
      const started = await t.engine.executeWorkflow(workflow.id);
      await t.engine.waitForRun(started.run.id);
    }
    const counts: number[] = [];
    for (const query of queries) {
      // The fewest statements of two runs: a setting read once per second of wall clock (the
      // settings cache) may land in either run, and it does not depend on the list's length.
      const runs: number[] = [];
      for (let run = 0; run < 2; run++) {
        statements = 0;
        counting = true;
        const res = await t.gql(query);
        counting = false;
        expect(res.errors).toBeUndefined();
        expect(res.data.workflows.nodes).toHaveLength(count);
        runs.push(statements);
      }
      counts.push(Math.min(...runs));
    }
    return counts;
  } finally {
    await t.dispose();
  }
}

describe('no N+1', () => {
  it('nested workflows queries issue the same number of SQL statements for 5 and 50 workflows', async () => {
    const [five] = await statementsFor(5, [RELATIONS]);
    const [fifty] = await statementsFor(50, [RELATIONS]);
    expect(five).toBeGreaterThan(0);
    expect(fifty).toBe(five);
  }, 120_000);
});
