import { join } from 'node:path';
import { createWorkflow, workflowState } from '../src/api';
import { artifactsDir } from '../src/database';
import { expect, test } from '../src/fixtures';

// The run view draws the same graph, its nodes following the run's step runs live (#22).

test('the run view graph follows the run: completed branches, a branch paused at its cap, a synthesis not reached', async ({ page }) => {
  const name = 'E2E graph run';
  const id = await createWorkflow({
    name,
    pattern: 'PARALLEL',
    steps: [
      { id: 'market', name: 'Market', prompt: 'Size the market.' },
      // $0.0001 is below what one simulated call costs: the branch pauses at its cap (the default).
      { id: 'pricing', name: 'Pricing', prompt: 'Compare prices.', budgetUsd: 0.0001 },
      { id: 'synthesis', name: 'Synthesis', prompt: 'Merge the findings.' },
    ],
  });
  await page.goto(`/workflows/${id}`);
  await page.getByRole('button', { name: 'Run workflow' }).click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${id}/runs/[^/]+$`));

  const graph = page.getByRole('figure', { name: `Graph of ${name}` });
  await expect(graph.locator('[data-step-id]')).toHaveCount(3);
  await expect(graph.locator('.svelte-flow__edge')).toHaveCount(2);

  // Statuses arrive over the subscription: the page is never reloaded.
  await expect(graph.locator('[data-step-id="market"] [data-status]')).toHaveAttribute('data-status', 'COMPLETED', { timeout: 30_000 });
  await expect(graph.locator('[data-step-id="pricing"] [data-status]')).toHaveAttribute('data-status', 'PAUSED', { timeout: 30_000 });
  await expect(graph.locator('[data-step-id="pricing"]')).toContainText('paused');
  await expect(graph.locator('[data-step-id="pricing"]')).toContainText(/spent of \$0\.0001/);
  // The paused node leads to its Resume control in the debug panel.
  const resume = graph.locator('[data-step-id="pricing"]').getByRole('link', { name: 'Resume' });
  await expect(resume).toHaveAttribute('href', '#resume-pricing');
  await resume.click();
  await expect(page.locator('#resume-pricing')).toBeInViewport();
  // The synthesis waits for every branch: it is never started.
  await expect(graph.locator('[data-step-id="synthesis"] [data-status]')).toHaveAttribute('data-status', 'PENDING');
  expect((await workflowState(id))?.latestRun?.status).toBe('PAUSED');

  await graph.screenshot({ path: join(artifactsDir(), 'workflow-graph-run-paused.png') });
});
