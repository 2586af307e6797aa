import { createDocument, createWorkflow, withFailAtCap, workflowState } from '../src/api';
import { expect, snapshot, test } from '../src/fixtures';
import { raiseBudgetAndRetry } from '../src/debug-actions';

/** Records every state the progress bar and the live tiles go through (a MutationObserver in the page). */
const RECORDER = () => {
  const w = window as unknown as { __states: string[] };
  w.__states = [];
  new MutationObserver(() => {
    const progress = document.querySelector('[aria-label="Step progress"]')?.textContent ?? '';
    const tiles = document.querySelector('section[aria-label^="Live metrics for"]')?.textContent ?? '';
    const state = `${progress}|${tiles}`.replace(/\s+/g, ' ');
    if (w.__states[w.__states.length - 1] !== state) w.__states.push(state);
  }).observe(document, { subtree: true, childList: true, characterData: true });
};

test('with budget.onCapReached = fail, a run fails on a tiny budget, the debug panel names it, raise budget + retry step completes it', async ({ page }) => {
  await withFailAtCap(async () => {
    const notes = await createDocument('run-notes.md', 'text/markdown', '# Notes\n\nThe launch moved to May. Budget is tight.');
    const id = await createWorkflow({
      name: 'E2E budget run',
      steps: [
        { id: 'gather', name: 'Gather', prompt: 'List the facts in the notes.', documentIds: [notes] },
        { id: 'outline', name: 'Outline', prompt: 'Outline a status update from the facts.' },
        // $0.0001 is below what one simulated call costs: the step stops with BUDGET_EXCEEDED.
        { id: 'publish', name: 'Publish', prompt: 'Write the final status update.', budgetUsd: 0.0001 },
      ],
    });

    await page.addInitScript(RECORDER);
    await page.goto(`/workflows/${id}`);
    await page.getByRole('button', { name: 'Run workflow' }).click();
    await expect(page).toHaveURL(new RegExp(`/workflows/${id}/runs/[^/]+$`));

    const progress = page.getByRole('list', { name: 'Step progress' });
    await expect(progress).toBeVisible();
    await expect(page.getByRole('region', { name: /^Live metrics for/ })).toBeVisible();

    // The run fails at step 3 and the debug panel says why.
    await expect(progress.getByRole('listitem').nth(2)).toContainText('Step 3: failed');
    await expect(page.getByRole('heading', { name: /Root cause: BUDGET_EXCEEDED/ })).toBeVisible();
    await expect(page.getByRole('article', { name: /Root cause/ })).toContainText('Publish');
    await expect.poll(async () => (await workflowState(id))?.latestRun?.steps.find((s) => s.stepId === 'publish')?.failureCategory).toBe('BUDGET_EXCEEDED');

    // While it ran, the progress bar and the tiles went through several states (running included).
    const states = await page.evaluate(() => (window as unknown as { __states: string[] }).__states);
    expect(states.some((s) => s.includes('running'))).toBe(true);
    expect(new Set(states.map((s) => s.split('|')[1]).filter(Boolean)).size).toBeGreaterThan(1);
    await snapshot(page, 'run-failed-debug');

    // Quick fix: raise the budget (applySuggestion SET_BUDGET), then retry the failed step.
    await raiseBudgetAndRetry(page, id, 'publish', 0.0001);

    await expect.poll(async () => (await workflowState(id))?.latestRun?.status, { timeout: 30_000 }).toBe('COMPLETED');
    await expect(page.getByText('3 of 3 steps completed')).toBeVisible();
    await expect(progress.getByRole('listitem').nth(2)).toContainText('Step 3: completed');
    // Completed steps were not paid for twice: only the retried step has a second attempt.
    const run = (await workflowState(id))!.latestRun!;
    expect(run.steps.map((s) => s.attempt)).toEqual([1, 1, 2]);
    await expect(page.getByRole('figure').filter({ hasText: 'Step timeline' }).getByRole('img')).toBeVisible();
    await snapshot(page, 'run-completed');

    // The workflow page shows the cost-per-run chart.
    await page.goto(`/workflows/${id}`);
    await expect(page.getByRole('img', { name: /^Cost per run/ })).toBeVisible();
  });
});
