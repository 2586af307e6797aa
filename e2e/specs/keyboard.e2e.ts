import { createWorkflow, workflowByName, workflowState } from '../src/api';
import { expect, tabTo, test } from '../src/fixtures';

test('the editor works with the keyboard only', async ({ page }) => {
  await page.goto('/workflows/new');
  await tabTo(page, page.getByLabel('Name', { exact: true }));
  await page.keyboard.type('E2E keyboard workflow');
  await tabTo(page, page.getByLabel('Step 1 prompt'));
  await page.keyboard.type('First, by keyboard.');
  await tabTo(page, page.getByRole('button', { name: 'Add step' }));
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByLabel('Step 2 prompt'), 200);
  await page.keyboard.type('Second, by keyboard.');
  await tabTo(page, page.getByRole('button', { name: 'Move step 2 up' }));
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByRole('button', { name: 'Create workflow' }), 200);
  await page.keyboard.press('Enter');

  await expect.poll(async () => (await workflowByName('E2E keyboard workflow'))?.steps.map((s) => s.name)).toEqual(['Step 2', 'Step 1']);
});

test('the run view and its debug actions work with the keyboard only', async ({ page }) => {
  const id = await createWorkflow({
    name: 'E2E keyboard run',
    steps: [
      { id: 'one', name: 'One', prompt: 'Say hello.' },
      { id: 'two', name: 'Two', prompt: 'Say goodbye.', budgetUsd: 0.0001 },
    ],
  });
  await page.goto(`/workflows/${id}`);
  await tabTo(page, page.getByRole('button', { name: 'Run workflow' }));
  await page.keyboard.press('Enter');
  // Step two pauses at its cap (the default); its Resume control takes a new cap by keyboard.
  await expect(page.getByRole('region', { name: 'Paused at a cap' })).toBeVisible({ timeout: 30_000 });
  await tabTo(page, page.getByLabel('New cap for Two (USD)'));
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('1');
  await tabTo(page, page.getByRole('button', { name: 'Resume (Two)' }));
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await workflowState(id))?.latestRun?.status, { timeout: 30_000 }).toBe('COMPLETED');
  expect((await workflowState(id))?.latestRun?.steps.map((s) => s.attempt)).toEqual([1, 1]);

  await tabTo(page, page.getByRole('button', { name: 'Run again' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /Run #2/ })).toBeVisible();
});
