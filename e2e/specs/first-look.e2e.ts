import type { Locator, Page } from '@playwright/test';
import { gql } from '../src/api';
import { expect, snapshot, test } from '../src/fixtures';
import { startStack, type Stack } from '../src/stack';

// A newcomer's first start: `stagent serve` on an empty data directory with the demo on (its
// default), so this spec has its own API, database and dashboard, apart from the suite's.
let stack: Stack;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  stack = await startStack({ demo: true });
});
test.afterAll(async () => {
  await stack?.stop();
});

/** The row of the workflow list whose name link is `name`; its cells in column order. */
function workflowRow(page: Page, name: string): { row: Locator; cell: (column: 'name' | 'status' | 'lastRun' | 'cost' | 'success') => Locator } {
  const row = page
    .getByRole('table', { name: 'Workflows' })
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name, exact: true }) });
  const columns = ['name', 'status', 'lastRun', 'cost', 'success'] as const;
  return { row, cell: (column) => row.getByRole('cell').nth(columns.indexOf(column)) };
}

test('the first page shows what the demo did: runs, costs, success rates, a run paused at its cap and its fixes', async ({ page }) => {
  const seeded = stack
    .apiOutput()
    .split('\n')
    .find((line) => line.startsWith('Seeded the demo project'));
  expect(seeded).toMatch(/on the simulator in (\d+ ms|\d+\.\d s|\d+m \d{2}s) /);
  test.info().annotations.push({ type: 'demo seeding', description: seeded! });

  await page.goto(`${stack.webUrl}/`);
  await expect(page).toHaveURL(/\/workflows$/);
  // Labelled as simulated: no key is configured, and the banner says what that means.
  await expect(page.getByRole('status').filter({ hasText: 'running on the simulator' })).toBeVisible();

  const research = workflowRow(page, 'Investor research brief');
  await expect(research.cell('name')).toContainText('sequence · 3 steps');
  await expect(research.cell('lastRun')).toContainText('Run #4');
  await expect(research.cell('lastRun')).toContainText('paused');
  await expect(research.cell('cost')).toHaveText(/^\$0\.\d{4}$/);
  // The paused run has not ended: the rate counts the three that did.
  await expect(research.cell('success')).toHaveText('100% of 3');

  const expected = [
    { name: 'Competitive scan', shape: 'parallel · 4 steps', run: 'Run #3', success: '100% of 3' },
    { name: 'Weekly metrics report (with approval)', shape: 'checkpoint · 2 steps', run: 'Run #2', success: '100% of 1' },
    { name: 'Pitch polish loop', shape: 'loop · 1 step', run: 'Run #3', success: '100% of 3' },
  ];
  for (const w of expected) {
    const { cell } = workflowRow(page, w.name);
    await expect(cell('name')).toContainText(w.shape);
    await expect(cell('lastRun')).toContainText(w.run);
    await expect(cell('cost')).toHaveText(/^\$0\.\d{2,4}$/);
    await expect(cell('success')).toHaveText(w.success);
  }
  await expect(workflowRow(page, 'Weekly metrics report (with approval)').cell('lastRun')).toContainText('waiting approval');
  await expect(page.getByText('never run')).toHaveCount(0);
  await expect(page.getByText(/\b1 steps\b/)).toHaveCount(0);
  await snapshot(page, 'first-look-workflows');

  // The paused run (budget.onCapReached = pause, the default): the debug panel names the cap and offers Resume.
  await research.cell('lastRun').getByRole('link', { name: 'Run #4' }).click();
  await expect(page.getByRole('heading', { name: 'Root cause: BUDGET_EXCEEDED' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Paused at a cap' })).toContainText('Step “Profile the investors” stopped after turn');
  await expect(page.getByText('0 of 3 steps completed')).toBeVisible();
  // The simulated answer is titled after the step's instruction and says no model was called.
  await expect(page.getByRole('heading', { name: /^Simulated result: For each fund in the investor longlist/ })).toBeVisible();
  const rootCause = page.getByRole('article', { name: /Root cause/ });
  await expect(rootCause).toContainText('Profile the investors');
  await expect(rootCause).toContainText(/Spent \$0\.\d{4} of a \$0\.003 cap\./);
  await expect(page.getByRole('region', { name: 'Debug' }).getByRole('button', { name: 'Resume (Profile the investors)' })).toBeVisible();
  await snapshot(page, 'first-look-budget-stop');

  // The workflow's editor: the optimizer learned a cap from the three completed runs.
  await page.getByRole('link', { name: 'Investor research brief' }).click();
  const optimizer = page.getByRole('region', { name: 'Optimizer' });
  await expect(optimizer.getByRole('listitem').filter({ hasText: 'Raise the budget of "Profile the investors" to $0.01' })).toContainText(
    '3 comparable completed runs',
  );
  await snapshot(page, 'first-look-optimizer');

  // Execution stats exist for every shape the demo ran.
  const { executionStats } = await gql<{ executionStats: { pattern: string; sampleCount: number; successRate: number }[] }>(
    /* GraphQL */ `
      {
        executionStats {
          pattern
          sampleCount
          successRate
        }
      }
    `,
    {},
    stack.apiUrl,
  );
  expect(executionStats).toEqual([
    { pattern: 'CHECKPOINT', sampleCount: 1, successRate: 1 },
    { pattern: 'LOOP', sampleCount: 3, successRate: 1 },
    { pattern: 'PARALLEL', sampleCount: 3, successRate: 1 },
    { pattern: 'SEQUENCE', sampleCount: 3, successRate: 1 },
  ]);
});

test("a loop run's page shows every iteration: its step runs share one step id", async ({ page }) => {
  const { workflows } = await gql<{ workflows: { nodes: { id: string; name: string; latestRun: { id: string; steps: { stepId: string }[] } | null }[] } }>(
    '{ workflows { nodes { id name latestRun { id steps { stepId } } } } }',
    {},
    stack.apiUrl,
  );
  const loop = workflows.nodes.find((w) => w.name === 'Pitch polish loop')!;
  const iterations = loop.latestRun!.steps;
  expect(iterations.length).toBeGreaterThan(new Set(iterations.map((s) => s.stepId)).size);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${stack.webUrl}/workflows/${loop.id}/runs/${loop.latestRun!.id}`);
  const progress = page.getByRole('list', { name: 'Step progress' });
  await expect(progress.getByRole('listitem')).toHaveCount(iterations.length);
  await expect(page.getByText('Loading the run…')).toHaveCount(0);
  await expect(page.getByRole('img', { name: /^Step timeline/ })).toBeVisible();
  // The run's graph draws the loop with its stop condition, read from the workflow's pattern options.
  await expect(page.getByRole('figure', { name: 'Graph of Pitch polish loop' }).getByText(/repeat until/)).toBeVisible();
  expect(errors).toEqual([]);
});
