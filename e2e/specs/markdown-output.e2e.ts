import { createWorkflow, workflowState } from '../src/api';
import { expect, snapshot, test } from '../src/fixtures';

test('agent output with <script> and <img onerror> renders inert', async ({ page }) => {
  // The simulator echoes the step prompt into its markdown answer, so the HTML reaches the renderer.
  const id = await createWorkflow({
    name: 'E2E hostile output',
    steps: [
      { name: 'Script', prompt: '<script>window.xssA=1</script> script check' },
      { name: 'Image', prompt: '<img src=x onerror="window.xssB=1"> image check' },
    ],
  });
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs += 1;
    void d.dismiss();
  });
  await page.goto(`/workflows/${id}`);
  await page.getByRole('button', { name: 'Run workflow' }).click();
  await expect.poll(async () => (await workflowState(id))?.latestRun?.status, { timeout: 30_000 }).toBe('COMPLETED');

  const outputs = page.getByRole('region', { name: /^Output of/ });
  await expect(outputs).toHaveCount(2);
  await expect(outputs.first()).toContainText('script check');
  await expect(outputs.nth(1)).toContainText('image check');
  await expect(page.getByRole('region', { name: /^Output of/ }).locator('script, img, [onerror]')).toHaveCount(0);
  expect(await page.evaluate(() => [(window as any).xssA, (window as any).xssB])).toEqual([undefined, undefined]);
  expect(dialogs).toBe(0);
  await snapshot(page, 'run-output-sanitized');
});
