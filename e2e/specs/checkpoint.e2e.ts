import { workflowByName, workflowState } from '../src/api';
import { expect, snapshot, tabTo, test } from '../src/fixtures';

test('a checkpoint step waits for approval: approve with the keyboard, then cancel a second run', async ({ page }) => {
  // Define it in the editor: pattern checkpoint, the second step gated.
  await page.goto('/workflows/new');
  await page.getByLabel('Name', { exact: true }).fill('E2E checkpoint');
  await page.getByLabel('Pattern').selectOption('CHECKPOINT');
  await page.getByLabel('Step 1 prompt').fill('Draft the announcement.');
  await page.getByRole('button', { name: 'Add step' }).click();
  await page.getByLabel('Step 2 name').fill('Publish');
  await page.getByLabel('Step 2 prompt').fill('Publish the announcement.');
  await page.getByLabel('Step 2 waits for approval before it runs').check();
  await page.getByRole('button', { name: 'Create and run' }).click();

  await expect(page.getByRole('heading', { name: 'Approval needed: Publish' })).toBeVisible({ timeout: 30_000 });
  const wf = (await workflowByName('E2E checkpoint'))!;
  await expect.poll(async () => (await workflowState(wf.id))?.latestRun?.status).toBe('WAITING_APPROVAL');
  await expect(page.getByRole('list', { name: 'Step progress' }).getByRole('listitem').nth(1)).toContainText('awaiting approval');
  await snapshot(page, 'run-checkpoint');

  // Keyboard only: comment, then Approve.
  await tabTo(page, page.getByLabel('Comment (optional)'));
  await page.keyboard.type('Looks good.');
  await tabTo(page, page.getByRole('button', { name: 'Approve' }));
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await workflowState(wf.id))?.latestRun?.status, { timeout: 30_000 }).toBe('COMPLETED');
  await expect(page.getByText('2 of 2 steps completed')).toBeVisible();

  // A second run stops at the gate again; Cancel ends it.
  await page.getByRole('button', { name: 'Run again' }).click();
  await expect(page.getByRole('heading', { name: /Run #2/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Approval needed: Publish' })).toBeVisible({ timeout: 30_000 });
  await tabTo(page, page.getByRole('button', { name: 'Cancel run' }));
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await workflowState(wf.id))?.latestRun?.status, { timeout: 30_000 }).toBe('CANCELLED');
  await expect(page.getByRole('button', { name: 'Run again' })).toBeVisible();
});
