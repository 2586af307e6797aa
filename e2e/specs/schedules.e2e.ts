import { gql } from '../src/api';
import { expect, snapshot, test } from '../src/fixtures';

test('the schedules page turns a phrase into cron as you type, creates and toggles', async ({ page }) => {
  await page.goto('/schedules');
  await page.getByLabel('When (in words or cron)').fill('every weekday at 9am');
  await expect(page.getByText('0 9 * * 1-5')).toBeVisible();
  await expect(page.getByText(/^Next:/)).toBeVisible();

  await page.getByLabel('Schedule name').fill('E2E morning digest');
  await page.getByLabel('Prompt', { exact: true }).fill('Summarize what changed since yesterday.');
  await page.getByRole('button', { name: 'Create schedule' }).click();

  const schedule = async () =>
    (await gql<{ schedules: { name: string; cron: string; active: boolean }[] }>('{ schedules { name cron active } }')).schedules.find(
      (s) => s.name === 'E2E morning digest',
    );
  await expect.poll(async () => (await schedule())?.cron).toBe('0 9 * * 1-5');
  const row = page.getByRole('row').filter({ hasText: 'E2E morning digest' });
  await expect(row).toContainText('0 9 * * 1-5');
  await snapshot(page, 'schedules');

  await row.getByRole('checkbox', { name: /Active/ }).uncheck();
  await expect.poll(async () => (await schedule())?.active).toBe(false);
});
