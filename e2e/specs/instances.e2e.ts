import { gql } from '../src/api';
import { expect, snapshot, test } from '../src/fixtures';

test('the Instances page lists the API instance of the suite with its role, pid, version and a fresh heartbeat', async ({ page }) => {
  const { instances } = await gql<{ instances: { id: string; host: string; pid: number; version: string }[] }>('{ instances { id host pid version } }');
  expect(instances).toHaveLength(1);
  const [self] = instances;

  await page.goto('/workflows');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Instances' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Instances' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: String(self!.pid) });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('all');
  await expect(row).toContainText(self!.host);
  await expect(row).toContainText(self!.version);
  await expect(row.getByText(/^\d+ s ago$/)).toBeVisible();
  await snapshot(page, 'instances-page');
});
